// Options of the L16 WebSocket adapter from the environment: off unless L16WS_PORT is set; then
// its sources (L16WS_SOURCES or L16WS_SOURCES_FILE, JSON). I/O: reads the sources file it names.
import { z } from 'zod';
import { ConfigError, intVar, loadConfig, optionalIntVar, readConfigFile } from '../../shared/config.ts';
import { parseSources, type L16WsSource } from './sources.ts';

export interface L16WsConfig {
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  sources: L16WsSource[];
  /** Sockets without their first metadata frame yet, in all and per address (0 = no cap). */
  maxWaiting: number;
  maxWaitingPerAddress: number;
}

export const l16wsEnv = z.object({
  L16WS_PORT: optionalIntVar({ min: 0, max: 65535 }),
  L16WS_HOST: z.string().default('0.0.0.0'),
  L16WS_SOURCES: z.string().optional(),
  L16WS_SOURCES_FILE: z.string().optional(),
  // A socket is "waiting" from its upgrade to its first metadata frame (milliseconds for a real
  // platform; CALL_START_TIMEOUT_MS for one that sends nothing): the caps keep an address that
  // opens thousands of silent sockets from holding the gateway's file descriptors.
  L16WS_MAX_WAITING: intVar({ min: 0, max: 1_000_000, def: 1_000 }),
  L16WS_MAX_WAITING_PER_ADDRESS: intVar({ min: 0, max: 1_000_000, def: 100 }),
});

/**
 * `tenants`: the tenants of TENANT_TOKENS; a source of any other tenant is refused (its calls
 * would have no customer-reference key and no place in the tenant's quotas), as the Twilio and
 * AudioHook settings are.
 */
export function loadL16WsConfig(
  env: Record<string, string | undefined>,
  production: boolean,
  tenants: readonly string[],
): L16WsConfig | null {
  const c = loadConfig(l16wsEnv, env);
  if (c.L16WS_PORT === undefined) {
    if (c.L16WS_SOURCES || c.L16WS_SOURCES_FILE)
      throw new ConfigError(['L16WS_PORT: set it to serve the L16WS_SOURCES (got unset)']);
    return null;
  }
  const sources = c.L16WS_SOURCES_FILE
    ? parseSources(
        readConfigFile('L16WS_SOURCES_FILE', c.L16WS_SOURCES_FILE),
        'L16WS_SOURCES_FILE',
        production,
      )
    : c.L16WS_SOURCES
      ? parseSources(c.L16WS_SOURCES, 'L16WS_SOURCES', production)
      : null;
  if (!sources)
    throw new ConfigError(['L16WS_SOURCES: set it (or L16WS_SOURCES_FILE) with L16WS_PORT (got unset)']);
  const variable = c.L16WS_SOURCES_FILE ? 'L16WS_SOURCES_FILE' : 'L16WS_SOURCES';
  const strangers = sources.filter((s) => !tenants.includes(s.tenant));
  if (strangers.length > 0)
    throw new ConfigError(
      strangers.map((s) => `${variable}: source "${s.id}": tenant "${s.tenant}" has no tenant token`),
    );
  return {
    host: c.L16WS_HOST,
    port: c.L16WS_PORT,
    sources,
    maxWaiting: c.L16WS_MAX_WAITING,
    maxWaitingPerAddress: c.L16WS_MAX_WAITING_PER_ADDRESS,
  };
}
