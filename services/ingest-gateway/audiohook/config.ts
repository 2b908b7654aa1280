// Options of the Genesys Cloud AudioHook adapter from the environment: off unless AUDIOHOOK_PORT
// is set; then the organisations (AUDIOHOOK_ORGS or AUDIOHOOK_ORGS_FILE, JSON: organisation id ->
// tenant, API key, client secret, consent). Throws ConfigError (CONFIG_INVALID) naming the
// variable and field, never a secret. Production: API keys and client secrets held to the
// tenant tokens' bar (secret-policy.ts). I/O: reads AUDIOHOOK_ORGS_FILE.
import { z } from 'zod';
import { ConfigError, intVar, loadConfig, optionalIntVar, readConfigFile } from '../../shared/config.ts';
import { checkedEntry, jsonObjectEntries } from '../../shared/config-entries.ts';
import { secretProblems } from '../../shared/secret-policy.ts';

export interface AudioHookOrg {
  id: string;
  tenant: string;
  apiKey: string;
  /** The client secret, base64-decoded: the HMAC key of the upgrade signature. */
  signingKey: Uint8Array;
  /** AudioHook carries no consent: the organisation's integration is the consent decision. */
  consent: { analytics: boolean; storeFeatures: boolean; historyOptOut: boolean };
}

export interface AudioHookConfig {
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  orgs: Map<string, AudioHookOrg>;
  maxSignatureAgeS: number;
  /** A conversation whose session dropped waits this long for its reconnect before it ends. */
  reconnectGraceMs: number;
  /** After `disconnect`, the client has this long to close before the socket is closed. */
  closeTimeoutMs: number;
  /** WebSocket ping interval; a socket that missed the last ping's pong is closed (ws-heartbeat.ts). */
  heartbeatMs: number;
}

/** The adapter's variables (also read by deploy/checks/service-env.ts). */
export const audiohookEnv = z.object({
  AUDIOHOOK_PORT: optionalIntVar({ min: 0, max: 65535 }),
  AUDIOHOOK_HOST: z.string().default('0.0.0.0'),
  AUDIOHOOK_ORGS: z.string().optional(),
  AUDIOHOOK_ORGS_FILE: z.string().optional(),
  AUDIOHOOK_MAX_SIGNATURE_AGE_S: intVar({ min: 1, max: 3_600, def: 60 }),
  AUDIOHOOK_RECONNECT_GRACE_MS: intVar({ min: 0, max: 300_000, def: 10_000 }),
  AUDIOHOOK_CLOSE_TIMEOUT_MS: intVar({ min: 100, max: 60_000, def: 5_000 }),
  AUDIOHOOK_HEARTBEAT_MS: intVar({ min: 100, max: 300_000, def: 15_000 }),
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** An HMAC-SHA-256 key shorter than its output weakens it (RFC 2104 section 3). */
const MIN_KEY_BYTES_PRODUCTION = 32;
const MIN_KEY_BYTES = 16;

const orgSchema = z
  .object({
    tenant: z.string().min(1),
    apiKey: z.string().min(16).max(512),
    clientSecret: z.string().regex(BASE64, 'must be base64'),
    // history: false keeps the organisation's calls out of the customer history (its ANI-linked
    // pseudonym links nothing); absent = in it, as for the other intakes.
    consent: z
      .object({
        analytics: z.boolean(),
        storeFeatures: z.boolean().default(false),
        history: z.boolean().default(true),
      })
      .strict()
      .default({ analytics: false, storeFeatures: false, history: true }),
  })
  .strict();

export function parseAudioHookOrgs(
  text: string,
  variable: string,
  tenants: readonly string[],
  production: boolean,
): Map<string, AudioHookOrg> {
  const entries = jsonObjectEntries(text, variable, '{organizationId: {tenant, apiKey, clientSecret}}');
  const problems: string[] = [];
  const orgs = new Map<string, AudioHookOrg>();
  const apiKeys = new Set<string>();
  for (const [id, raw] of entries) {
    const where = `${variable}: organization "${id.slice(0, 40)}"`;
    if (!UUID.test(id)) {
      problems.push(`${where}: the id is not a Genesys Cloud organization id (a UUID)`);
      continue;
    }
    const o = checkedEntry(orgSchema, raw, where, '(org)', problems);
    if (!o) continue;
    const signingKey = Buffer.from(o.clientSecret, 'base64');
    if (!tenants.includes(o.tenant)) problems.push(`${where}: tenant "${o.tenant}" has no tenant token`);
    const minKey = production ? MIN_KEY_BYTES_PRODUCTION : MIN_KEY_BYTES;
    if (signingKey.byteLength < minKey)
      problems.push(`${where}: clientSecret decodes to fewer than ${minKey} bytes`);
    if (production) {
      problems.push(...secretProblems(variable, o.apiKey, `API key of organization ${id}`));
      problems.push(...secretProblems(variable, o.clientSecret, `client secret of organization ${id}`));
    }
    if (apiKeys.has(o.apiKey)) problems.push(`${where}: apiKey is shared with another organization`);
    apiKeys.add(o.apiKey);
    orgs.set(id.toLowerCase(), {
      id: id.toLowerCase(),
      tenant: o.tenant,
      apiKey: o.apiKey,
      signingKey,
      consent: {
        analytics: o.consent.analytics,
        storeFeatures: o.consent.storeFeatures,
        historyOptOut: !o.consent.history,
      },
    });
  }
  if (orgs.size === 0 && problems.length === 0) problems.push(`${variable}: no organizations`);
  if (problems.length > 0) throw new ConfigError(problems);
  return orgs;
}

/** null when AUDIOHOOK_PORT is unset (the adapter is off). */
export function loadAudioHookConfig(
  env: Record<string, string | undefined>,
  tenants: readonly string[],
  production: boolean,
): AudioHookConfig | null {
  const c = loadConfig(audiohookEnv, env);
  if (c.AUDIOHOOK_PORT === undefined) {
    if (c.AUDIOHOOK_ORGS || c.AUDIOHOOK_ORGS_FILE)
      throw new ConfigError(['AUDIOHOOK_PORT: set it to serve the AUDIOHOOK_ORGS (got unset)']);
    return null;
  }
  const orgs = c.AUDIOHOOK_ORGS_FILE
    ? parseAudioHookOrgs(
        readConfigFile('AUDIOHOOK_ORGS_FILE', c.AUDIOHOOK_ORGS_FILE),
        'AUDIOHOOK_ORGS_FILE',
        tenants,
        production,
      )
    : c.AUDIOHOOK_ORGS
      ? parseAudioHookOrgs(c.AUDIOHOOK_ORGS, 'AUDIOHOOK_ORGS', tenants, production)
      : null;
  if (!orgs)
    throw new ConfigError([
      'AUDIOHOOK_ORGS: set it (or AUDIOHOOK_ORGS_FILE) with AUDIOHOOK_PORT (got unset)',
    ]);
  return {
    host: c.AUDIOHOOK_HOST,
    port: c.AUDIOHOOK_PORT,
    orgs,
    maxSignatureAgeS: c.AUDIOHOOK_MAX_SIGNATURE_AGE_S,
    reconnectGraceMs: c.AUDIOHOOK_RECONNECT_GRACE_MS,
    closeTimeoutMs: c.AUDIOHOOK_CLOSE_TIMEOUT_MS,
    heartbeatMs: c.AUDIOHOOK_HEARTBEAT_MS,
  };
}
