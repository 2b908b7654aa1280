// Options of the Twilio Media Streams adapter, from the environment: off unless TWILIO_PORT is
// set; the accounts (Account SID -> tenant + auth token) from TWILIO_ACCOUNTS or a file; the
// public URL Twilio connects to (signatures cover it). Throws ConfigError (CONFIG_INVALID).
// I/O: reads TWILIO_ACCOUNTS_FILE.
import { z } from 'zod';
import { ConfigError, intVar, loadConfig, optionalIntVar, readConfigFile } from '../shared/config.ts';
import { configEntries } from '../shared/config-entries.ts';

export interface TwilioAccount {
  tenant: string;
  authToken: string;
}

export interface TwilioConfig {
  host: string;
  port: number;
  /** Scheme and authority Twilio uses (wss://ingest.example.com); the request path is appended. */
  publicUrl: string;
  /** Account SID -> tenant and auth token. */
  accounts: Map<string, TwilioAccount>;
  /** Largest WebSocket message accepted (a media message is ~500 bytes; `start` carries parameters). */
  maxMessageBytes: number;
  /** Sockets without their `start` yet, in all and per address (0 = no cap). */
  maxWaiting: number;
  maxWaitingPerAddress: number;
}

export const twilioEnv = z.object({
  TWILIO_HOST: z.string().default('0.0.0.0'),
  /** Unset: the adapter is off. 0 = any free port (tests). */
  TWILIO_PORT: optionalIntVar({ min: 0, max: 65535 }),
  TWILIO_PUBLIC_URL: z.string().optional(),
  TWILIO_ACCOUNTS: z.string().optional(),
  TWILIO_ACCOUNTS_FILE: z.string().optional(),
  TWILIO_MAX_MESSAGE_BYTES: intVar({ min: 1024, max: 1_048_576, def: 65_536 }),
  TWILIO_MAX_WAITING: intVar({ min: 0, max: 1_000_000, def: 1_000 }),
  TWILIO_MAX_WAITING_PER_ADDRESS: intVar({ min: 0, max: 1_000_000, def: 100 }),
});

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MIN_AUTH_TOKEN_LENGTH = 16;

/**
 * `AC…=tenant:authToken` lines or commas, or JSON `{"AC…": {"tenant": …, "authToken": …}}`.
 * Problems name an entry by its position, never by its text: an entry written in another order
 * (`tenant:authToken=AC…`, `AC…=authToken:tenant`) would otherwise print the auth token.
 */
export function parseTwilioAccounts(
  text: string,
  variable: string,
  tenants: readonly string[],
): Map<string, TwilioAccount> {
  const raw = configEntries(text, variable, 'AccountSid=tenant:authToken');
  const accounts = new Map<string, TwilioAccount>();
  const entryOfToken = new Map<string, number>();
  raw.forEach(([sid, value], i) => {
    const entry = `${variable}: entry ${i + 1} of ${raw.length} (AccountSid=tenant:authToken)`;
    const line = typeof value === 'string' ? /^([^:]+):(.+)$/.exec(value) : null;
    const { tenant, authToken } = line
      ? { tenant: line[1].trim(), authToken: line[2].trim() }
      : ((value ?? {}) as Record<string, unknown>);
    if (typeof tenant !== 'string' || typeof authToken !== 'string')
      throw new ConfigError([`${entry}: needs a tenant and an auth token`]);
    if (!ACCOUNT_SID.test(sid))
      throw new ConfigError([`${entry}: the Account SID is not AC + 32 hex digits`]);
    if (accounts.has(sid)) throw new ConfigError([`${entry}: the account is listed twice`]);
    if (!tenants.includes(tenant)) throw new ConfigError([`${entry}: the tenant has no tenant token`]);
    if (authToken.length < MIN_AUTH_TOKEN_LENGTH)
      throw new ConfigError([`${entry}: the auth token is shorter than ${MIN_AUTH_TOKEN_LENGTH}`]);
    // A signature names no account: the token that verifies it picks the account.
    const sameToken = entryOfToken.get(authToken);
    if (sameToken !== undefined)
      throw new ConfigError([`${entry}: has the same auth token as entry ${sameToken + 1}`]);
    entryOfToken.set(authToken, i);
    accounts.set(sid, { tenant, authToken });
  });
  if (accounts.size === 0) throw new ConfigError([`${variable}: no accounts`]);
  return accounts;
}

/** null when TWILIO_PORT is unset (the adapter is off). */
export function loadTwilioConfig(
  env: Record<string, string | undefined>,
  tenants: readonly string[],
  production = false,
): TwilioConfig | null {
  const c = loadConfig(twilioEnv, env);
  if (c.TWILIO_PORT === undefined) return null;
  const problems: string[] = [];
  const publicUrl = (c.TWILIO_PUBLIC_URL ?? '').replace(/\/+$/, '');
  if (!/^wss?:\/\/[^/?#\s]+$/.test(publicUrl))
    problems.push('TWILIO_PUBLIC_URL: set it to the wss://host[:port] Twilio connects to (no path)');
  // The signature has no nonce: a signed upgrade seen in clear could be replayed (SECURITY.md).
  else if (production && !publicUrl.startsWith('wss://'))
    problems.push('TWILIO_PUBLIC_URL: must be wss:// in production (ws:// is for local tests)');
  if (!c.TWILIO_ACCOUNTS && !c.TWILIO_ACCOUNTS_FILE)
    problems.push('TWILIO_ACCOUNTS: set it ("AccountSid=tenant:authToken,…") or TWILIO_ACCOUNTS_FILE');
  if (problems.length > 0) throw new ConfigError(problems);
  const accounts = c.TWILIO_ACCOUNTS_FILE
    ? parseTwilioAccounts(
        readConfigFile('TWILIO_ACCOUNTS_FILE', c.TWILIO_ACCOUNTS_FILE),
        'TWILIO_ACCOUNTS_FILE',
        tenants,
      )
    : parseTwilioAccounts(c.TWILIO_ACCOUNTS as string, 'TWILIO_ACCOUNTS', tenants);
  return {
    host: c.TWILIO_HOST,
    port: c.TWILIO_PORT,
    publicUrl,
    accounts,
    maxMessageBytes: c.TWILIO_MAX_MESSAGE_BYTES,
    maxWaiting: c.TWILIO_MAX_WAITING,
    maxWaitingPerAddress: c.TWILIO_MAX_WAITING_PER_ADDRESS,
  };
}
