// The alert-service's options, validated from the environment (names, units and defaults below;
// README "Alert service" documents them). Pure.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  boolVar,
  commonEnv,
  ConfigError,
  intVar,
  listVar,
  mergeProblems,
  parseConfig,
  topicVar,
} from '../shared/config.ts';
import { loginLimitEnv } from '../shared/auth/login-limiter.ts';
import { DEMO_USERS_FILE } from '../shared/auth/users.ts';
import { runModeOf, type RunMode } from '../shared/run-mode.ts';
import { previousKeyProblems } from '../shared/auth/key-rotation.ts';
import { SERVICE_KEY_REQUIRED, serviceKeyOf } from '../shared/auth/service-key.ts';
import { secretProblems } from '../shared/secret-policy.ts';
import { tokenTtlEnv } from '../shared/auth/token-lifetime.ts';
import { resolveSecretFiles } from '../shared/secret-files.ts';
import { resolveTopicReplication, type TopicReplication } from '../shared/topic-replication.ts';
import { DEFAULT_RULES_FILE } from '../shared/alert-rules/default-file.ts';
import { TOPICS } from '../shared/topics.ts';
import { MAX_HISTORY_WINDOW_DAYS } from '../shared/customer-history-client.ts';
import { checkHistoryUrl } from '../shared/history-url-policy.ts';

const here = dirname(fileURLToPath(import.meta.url));
export { DEFAULT_RULES_FILE };
export const DEFAULT_WEB_DIR = join(here, '../../dist/alert-web');

export const alertServiceEnv = z.object({
  ...commonEnv,
  /** Port of the pages, the login endpoint and the WebSocket (/ws); 0 = any free port. */
  ALERT_PORT: intVar({ min: 0, max: 65535, def: 8080 }),
  ALERT_HOST: z.string().min(1).default('0.0.0.0'),
  ALERT_RULES_FILE: z.string().min(1).default(DEFAULT_RULES_FILE),
  /**
   * Optional folder of per-tenant rule files, `<tenant>.yaml` each: rules for that tenant only, which
   * replace or switch off (`enabled: false`) the global rule of the same id for it. Unset = none.
   */
  ALERT_TENANT_RULES_DIR: z.string().min(1).optional(),
  ALERT_USERS_FILE: z.string().min(1).default(DEMO_USERS_FILE),
  ALERT_WEB_DIR: z.string().min(1).default(DEFAULT_WEB_DIR),
  /**
   * HS256 key (>= 32 chars) of the tokens; the same on every instance and in the call store, which
   * reads the same variable. Unset: random per start (development only).
   */
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  /** Deprecated name of JWT_SECRET, still read for one release (with a warning at start). */
  ALERT_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  /**
   * The key JWT_SECRET replaced, while a rotation is under way (shared/auth/key-rotation.ts):
   * tokens it signed are still accepted, new ones are signed with JWT_SECRET only.
   */
  JWT_PREVIOUS_SECRET: z.string().optional(),
  /** The page tokens' claims: the names (and values) the call store verifies them with. */
  JWT_ISSUER: z.string().min(1).default('va-alert-service'),
  JWT_AUDIENCE: z.string().min(1).default('va-pages'),
  ...tokenTtlEnv,
  /** Optional external issuer: its JWKS URL, issuer and audience (all three). */
  ALERT_JWKS_URL: z.url().optional(),
  ALERT_JWKS_ISSUER: z.string().min(1).optional(),
  ALERT_JWKS_AUDIENCE: z.string().min(1).optional(),
  /**
   * Allowed Origin headers of WebSocket upgrades (scheme://host[:port], as browsers send them:
   * compared exactly, so "https://wall.example/" or a path would refuse every wallboard, and is
   * refused here instead); empty = same host as the page.
   */
  ALERT_ALLOWED_ORIGINS: listVar.pipe(
    z.array(
      z.string().refine(isOrigin, {
        error: 'each entry must be an origin, scheme://host[:port] (no path, no trailing slash)',
      }),
    ),
  ),
  /** Consumer group of the rule evaluation (shared by all instances: each call evaluated once). */
  ALERT_GROUP_ID: z.string().min(1).default('va-alert-service'),
  /** Prefix of this instance's own fan-out group (it reads every call's state and alerts). */
  ALERT_FANOUT_GROUP_PREFIX: z.string().min(1).default('va-alert-fanout'),
  ALERT_INSTANCE_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .optional(),
  ALERT_MAX_MESSAGE_BYTES: intVar({ min: 256, max: 1_048_576, def: 16_384 }),
  ALERT_MAX_BUFFERED_BYTES: intVar({ min: 4096, max: 64 * 1_048_576, def: 1_048_576 }),
  ALERT_MAX_BAD_MESSAGES: intVar({ min: 1, max: 1000, def: 5 }),
  /** Valid messages one client may send per second, in bursts of up to 5 s of them (message-budget.ts). */
  ALERT_MAX_MESSAGES_PER_S: intVar({ min: 1, max: 10_000, def: 20 }),
  ALERT_AUTH_TIMEOUT_MS: intVar({ min: 100, max: 60_000, def: 5_000 }),
  ALERT_HEARTBEAT_MS: intVar({ min: 100, max: 120_000, def: 15_000 }),
  /** Live call state push period (windows arrive every second: 1 s loses nothing). */
  ALERT_STATE_INTERVAL_MS: intVar({ min: 50, max: 1_000, def: 1_000 }),
  /** WebSocket connection caps; 0 = no cap. Over a cap: close 4029. */
  ALERT_WS_MAX_UNAUTHENTICATED: intVar({ min: 0, max: 1_000_000, def: 1_000 }),
  ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS: intVar({ min: 0, max: 1_000_000, def: 20 }),
  /** Every socket of one address; behind a proxy all clients share its address: raise or 0. */
  ALERT_WS_MAX_PER_ADDRESS: intVar({ min: 0, max: 1_000_000, def: 500 }),
  ALERT_WS_MAX_PER_USER: intVar({ min: 0, max: 1_000_000, def: 10 }),
  /** Sessions (welcomes, each a full snapshot) one user may open a minute, in bursts of as many (session-rate.ts). */
  ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN: intVar({ min: 0, max: 1_000_000, def: 30 }),
  ALERT_REPLAY_CAPACITY: intVar({ min: 10, max: 1_000_000, def: 5_000 }),
  /** Failed-login throttling per account and per address (LOGIN_*, shared with the call store). */
  ...loginLimitEnv,
  /** Partition batches the evaluator handles at once; their produce + commit round trips overlap. */
  ALERT_PARTITIONS_CONCURRENTLY: intVar({ min: 1, max: 256, def: 12 }),
  /** Calls with no record for this long are freed (a call end that never came). */
  ALERT_CALL_IDLE_MS: intVar({ min: 1_000, max: 86_400_000, def: 600_000 }),
  /**
   * At start, the fan-out re-reads this much of va.emotions.v1 and va.features.v1 (0 = from now):
   * the live view of calls in progress (states, mood trend, pace, talk share, voice-stress
   * baseline) is rebuilt after a restart or deploy. A call older than this shows voice stress
   * "unknown (joined mid-call)"; longer costs more start-up reading.
   */
  ALERT_LIVE_REBUILD_MS: intVar({ min: 0, max: 86_400_000, def: 600_000 }),
  /**
   * The evaluator's commit waits at the first record of its oldest live call (a restart replays
   * from there and rebuilds the rule state), at most this many records behind per partition.
   */
  ALERT_COMMIT_HOLD_MAX_RECORDS: intVar({ min: 1, max: 100_000_000, def: 500_000 }),
  /**
   * Ended calls the evaluator remembers: their records that come after the end (last windows,
   * a replay) are evaluated without keeping state. Bounded memory, oldest forgotten first.
   */
  ALERT_ENDED_CALLS_REMEMBERED: intVar({ min: 1, max: 10_000_000, def: 100_000 }),
  /**
   * How long after a call's end its late windows are still judged with the call's rule state (a
   * classifier behind the calls topic delivers them after the end); then the call is freed.
   */
  // At most the registry's 60 s of ended calls: a purge ends the grace (evaluator.forgetCall).
  ALERT_END_GRACE_MS: intVar({ min: 0, max: 60_000, def: 30_000 }),
  /**
   * The call-store's API base URL (e.g. http://call-store:8090): a starting call's customer history
   * line comes from its internal route, with a service token signed by SERVICE_TOKEN_SECRET, else
   * JWT_SECRET (the key the store verifies with). Unset = no history line.
   */
  ALERT_HISTORY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Production: an http:// history URL is refused unless TLS ends in front of the store (history-url-policy.ts). */
  ALERT_HISTORY_ALLOW_PLAINTEXT: boolVar(false),
  /** The service-token key of the history route (shared/auth/service-key.ts); unset = JWT_SECRET. */
  SERVICE_TOKEN_SECRET: z.string().optional(),
  /** The line waits this long at most; later it is dropped (the call goes on without it). */
  ALERT_HISTORY_TIMEOUT_MS: intVar({ min: 50, max: 10_000, def: 500 }),
  /** A customer's answer is reused this long (dropped early when one of their calls ends). */
  ALERT_HISTORY_CACHE_MS: intVar({ min: 0, max: 3_600_000, def: 30_000 }),
  /** "3rd call in N days": the window of the count. */
  ALERT_HISTORY_WINDOW_DAYS: intVar({ min: 1, max: MAX_HISTORY_WINDOW_DAYS, def: 7 }),
  CALLS_TOPIC: topicVar(TOPICS.calls),
  FEATURES_TOPIC: topicVar(TOPICS.features),
  EMOTIONS_TOPIC: topicVar(TOPICS.emotions),
  ALERTS_TOPIC: topicVar(TOPICS.alerts),
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
  /** Calls whose customer the call store erased (DELETE /customers/{ref}). */
  ERASURES_TOPIC: topicVar(TOPICS.erasures),
  /** Revoked sign-in tokens (sign-outs, revoked users): read from the beginning, refused, sockets closed. */
  REVOCATIONS_TOPIC: topicVar(TOPICS.revocations),
  /** Each instance reads the revocations in a group of its own, `<prefix>-<random id>`, never committed. */
  ALERT_REVOCATIONS_GROUP_PREFIX: z.string().min(1).default('va-alert-revocations'),
  /** Every login attempt of every instance of both login services (login-failure-feed.ts). */
  LOGIN_FAILURES_TOPIC: topicVar(TOPICS.loginFailures),
  /** Each instance reads the login attempts in a group of its own, `<prefix>-<random id>`, never committed. */
  ALERT_LOGIN_FAILURES_GROUP_PREFIX: z.string().min(1).default('va-alert-login-failures'),
});

export type AlertServiceConfig = z.infer<typeof alertServiceEnv> & {
  /** production: no demo users, no published or weak key (checked here and at start). */
  runMode: RunMode;
  topicReplication: TopicReplication;
  /** The token key from JWT_SECRET (or the deprecated ALERT_JWT_SECRET); undefined = random. */
  jwtSecret: string | undefined;
  /** The service-token key of the history route: SERVICE_TOKEN_SECRET, else the token key. */
  serviceKey: string | undefined;
  /** Said once at start, e.g. a deprecated variable name in use. */
  warnings: string[];
};

/**
 * The token key's variable: JWT_SECRET, the name the call store reads too; ALERT_JWT_SECRET is the
 * alert service's old name, accepted for one release. Both set to different keys is an error (the
 * two services would sign and verify with different keys).
 */
function jwtSecretOf(env: Record<string, string | undefined>): {
  variable: 'JWT_SECRET' | 'ALERT_JWT_SECRET';
  value: string | undefined;
  problems: string[];
  warnings: string[];
} {
  const current = env.JWT_SECRET || undefined;
  const old = env.ALERT_JWT_SECRET || undefined;
  if (old === undefined) return { variable: 'JWT_SECRET', value: current, problems: [], warnings: [] };
  const warnings = ['ALERT_JWT_SECRET is deprecated: name the token key JWT_SECRET (as the call store does)'];
  if (current === undefined) return { variable: 'ALERT_JWT_SECRET', value: old, problems: [], warnings };
  const problems =
    current === old ? [] : ['JWT_SECRET, ALERT_JWT_SECRET: both set, to different keys; set JWT_SECRET only'];
  return { variable: 'JWT_SECRET', value: current, problems, warnings };
}

/**
 * Production refuses what is only safe on a laptop: the random-per-start or a published key, and
 * the default (demo) users file. The users themselves are checked at start (users-policy.ts).
 */
function productionProblems(
  env: Record<string, string | undefined>,
  secret: ReturnType<typeof jwtSecretOf>,
): string[] {
  const problems = secretProblems(secret.variable, secret.value, 'token key');
  if (!env.ALERT_USERS_FILE)
    problems.push('ALERT_USERS_FILE: required in production (the default is the demo users file)');
  // Whoever can rewrite the key set in transit can sign any token: the keys come over TLS.
  if (env.ALERT_JWKS_URL && !/^https:\/\//i.test(env.ALERT_JWKS_URL))
    problems.push('ALERT_JWKS_URL: must be an https:// URL in production');
  return problems;
}

/**
 * The settings, or every problem at once: a value the schema refuses stopped the load before the
 * production checks, so a missing ALERT_USERS_FILE was named only on the next start.
 */
/**
 * The parsed values and the problems found so far (renamed variables, secret files); a schema
 * that does not parse throws at once, with production's problems about other variables.
 */
function loadWithProductionProblems(
  env: Record<string, string | undefined>,
  runMode: RunMode,
  secret: ReturnType<typeof jwtSecretOf>,
): { loaded: z.infer<typeof alertServiceEnv>; early: string[] } {
  const { data, problems } = parseConfig(alertServiceEnv, env);
  if (data !== null) return { loaded: data, early: problems };
  if (runMode !== 'production') throw new ConfigError(problems);
  throw new ConfigError(mergeProblems(problems, productionProblems(env, secret)));
}

export function loadAlertServiceConfig(
  environment: Record<string, string | undefined> = process.env,
): AlertServiceConfig {
  const env = resolveSecretFiles(alertServiceEnv, environment);
  const runMode = runModeOf(env);
  const secret = jwtSecretOf(env);
  const { loaded, early } = loadWithProductionProblems(env, runMode, secret);
  const topics = resolveTopicReplication(loaded, runMode);
  const production = runMode === 'production';
  const key = serviceKeyOf(loaded.SERVICE_TOKEN_SECRET, secret.value, production);
  const historyUrl = checkHistoryUrl({
    variable: 'ALERT_HISTORY_URL',
    url: loaded.ALERT_HISTORY_URL,
    allowPlaintext: loaded.ALERT_HISTORY_ALLOW_PLAINTEXT,
    production,
  });
  const problems = [
    ...early,
    ...historyUrl.problems,
    ...secret.problems,
    ...(production && loaded.ALERT_HISTORY_URL && key.variable !== 'SERVICE_TOKEN_SECRET'
      ? [SERVICE_KEY_REQUIRED]
      : []),
    ...key.problems,
    ...previousKeyProblems({
      variable: 'JWT_PREVIOUS_SECRET',
      value: loaded.JWT_PREVIOUS_SECRET,
      current: { variable: secret.variable, value: secret.value },
      production,
      // The service key's holders (the routing service) must not sign page tokens.
      reservedKeys: { SERVICE_TOKEN_SECRET: loaded.SERVICE_TOKEN_SECRET },
    }),
    ...(runMode === 'production' ? productionProblems(env, secret) : []),
    ...topics.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const config = {
    ...loaded,
    runMode,
    topicReplication: topics.replication,
    jwtSecret: secret.value,
    serviceKey: key.value,
    warnings: [...secret.warnings, ...historyUrl.warnings],
  };
  if (
    config.ALERT_TENANT_RULES_DIR &&
    resolve(config.ALERT_TENANT_RULES_DIR) === resolve(dirname(config.ALERT_RULES_FILE))
  ) {
    // Its global file would be read as the rules of a tenant named after it ("alert-rules").
    throw new ConfigError([
      'ALERT_TENANT_RULES_DIR: must not be the folder of ALERT_RULES_FILE (give the tenant files a folder of their own)',
    ]);
  }
  const jwks = [config.ALERT_JWKS_URL, config.ALERT_JWKS_ISSUER, config.ALERT_JWKS_AUDIENCE];
  if (jwks.some(Boolean) && !jwks.every(Boolean)) {
    throw new ConfigError([
      'ALERT_JWKS_URL: set ALERT_JWKS_URL, ALERT_JWKS_ISSUER and ALERT_JWKS_AUDIENCE together',
    ]);
  }
  return config;
}

/** Whether a value is exactly an origin as a browser sends it in the Origin header. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}
