// The call-store service's options from the environment (zod, via services/shared loadConfig):
// Kafka, database (DATABASE_URL → PostgreSQL, else PGlite in STORE_DATA_DIR), API port, tokens,
// batching, summaries and retention. Pure (env passed in).
import { z } from 'zod';
import { DEFAULT_RULES_FILE } from '../shared/alert-rules/default-file.ts';
import { existsSync } from 'node:fs';
import {
  boolVar,
  commaList,
  commonEnv,
  ConfigError,
  intVar,
  loadConfig,
  mergeProblems,
  TOPICS,
  topicVar,
} from '../shared/index.ts';
import { loginLimitEnv } from '../shared/auth/login-limiter.ts';
import { DEMO_USERS_FILE } from '../shared/auth/users.ts';
import { runModeOf, type RunMode } from '../shared/run-mode.ts';
import { secretProblems } from '../shared/secret-policy.ts';
import { tokenTtlEnv } from '../shared/auth/token-lifetime.ts';
import { resolveSecretFiles } from '../shared/secret-files.ts';
import { databaseTlsProblem } from './database-tls.ts';
import { previousKeyProblems } from '../shared/auth/key-rotation.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './backend/backend.ts';
import { SERVICE_KEY_REQUIRED, serviceKeyOf } from '../shared/auth/service-key.ts';
import { resolveTopicReplication, type TopicReplication } from '../shared/topic-replication.ts';

export const callStoreEnv = z.object({
  ...commonEnv,
  /** postgres://… ; unset = embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Production: a DATABASE_URL without TLS (sslmode) is refused unless this says the network is private. */
  DATABASE_ALLOW_PLAINTEXT: boolVar(false),
  STORE_DATA_DIR: z.string().min(1).default('.data/call-store'),
  DATABASE_POOL_SIZE: intVar({ min: 1, max: 100, def: 8 }),
  /** PostgreSQL statement_timeout of the service's sessions; 0 = none (backend/backend.ts). */
  DATABASE_STATEMENT_TIMEOUT_MS: intVar({ min: 0, max: 3_600_000, def: DEFAULT_STATEMENT_TIMEOUT_MS }),
  /** Longest wait for a PostgreSQL connection, new or from the full pool. */
  DATABASE_CONNECT_TIMEOUT_MS: intVar({ min: 100, max: 600_000, def: DEFAULT_CONNECT_TIMEOUT_MS }),
  /** false: the schema migrations ran before (`npm run migrate`); start only on a current schema. */
  STORE_MIGRATE_AT_START: boolVar(true),
  /**
   * The alert service's rule files, read at start for the scorecard's agentPace line (the
   * agent-too-fast rule in force for each call's tenant and queue: pace-rules.ts). Set them as
   * on the alert service.
   */
  ALERT_RULES_FILE: z.string().min(1).default(DEFAULT_RULES_FILE),
  ALERT_TENANT_RULES_DIR: z.string().min(1).optional(),
  /** Port of the QA API and review page; 0 = any free port. */
  API_PORT: intVar({ min: 0, max: 65535, def: 8090 }),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** HS256 key shared with the alert service's login (at least 32 bytes). */
  JWT_SECRET: z
    .string({ error: "required: the page tokens' key (32+ characters), the alert service's value" })
    .min(32, 'must be at least 32 characters'),
  /**
   * The key of the service tokens its /internal/ route takes (shared/auth/service-key.ts); unset =
   * JWT_SECRET. Set it here and on the services that call the route (alert, routing).
   */
  SERVICE_TOKEN_SECRET: z.string().optional(),
  /**
   * The keys JWT_SECRET and SERVICE_TOKEN_SECRET replaced, while a rotation is under way
   * (shared/auth/key-rotation.ts): tokens they signed are still accepted until they expire.
   */
  JWT_PREVIOUS_SECRET: z.string().optional(),
  SERVICE_TOKEN_PREVIOUS_SECRET: z.string().optional(),
  /** The alert service's defaults, so its login tokens open the QA pages. */
  JWT_ISSUER: z.string().min(1).default('va-alert-service'),
  JWT_AUDIENCE: z.string().min(1).default('va-pages'),
  ...tokenTtlEnv,
  /** Demo users (the alert service's file) for POST /auth/login; '' = no login endpoint. */
  STORE_USERS_FILE: z.string().default(DEMO_USERS_FILE),
  /** Failed-login throttling of POST /auth/login (LOGIN_*, shared with the alert service). */
  ...loginLimitEnv,
  CALLS_TOPIC: topicVar(TOPICS.calls),
  FEATURES_TOPIC: topicVar(TOPICS.features),
  EMOTIONS_TOPIC: topicVar(TOPICS.emotions),
  ALERTS_TOPIC: topicVar(TOPICS.alerts),
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
  /** Calls whose customer the call store erased (DELETE /customers/{ref}). */
  ERASURES_TOPIC: topicVar(TOPICS.erasures),
  /** Revoked sign-in tokens (sign-outs, revoked users): read from the beginning, refused by the API. */
  REVOCATIONS_TOPIC: topicVar(TOPICS.revocations),
  /** Each instance reads the revocations in a group of its own, `<prefix>-<random id>`, never committed. */
  STORE_REVOCATIONS_GROUP_PREFIX: z.string().min(1).default('va-call-store-revocations'),
  /** Every login attempt of every instance of both login services (login-failure-feed.ts). */
  LOGIN_FAILURES_TOPIC: topicVar(TOPICS.loginFailures),
  /** Each instance reads the login attempts in a group of its own, `<prefix>-<random id>`, never committed. */
  STORE_LOGIN_FAILURES_GROUP_PREFIX: z.string().min(1).default('va-call-store-login-failures'),
  STORE_GROUP_ID: z.string().min(1).default('call-store'),
  STORE_BATCH_RECORDS: intVar({ min: 1, max: 50_000, def: 2000 }),
  /** An ended call is summarised once it got no new event for this long. */
  // Timers: Node runs a delay past 2^31 - 1 ms after 1 ms (a busy loop): every one is bounded.
  SUMMARY_SETTLE_MS: intVar({ min: 0, max: 86_400_000, def: 5000 }),
  SUMMARY_INTERVAL_MS: intVar({ min: 100, max: 3_600_000, def: 2000 }),
  /**
   * A live call whose audio stopped this long ago with no call end (a gateway crash, a lost end
   * record) is ended and summarised, so its consent holds (store/abandoned.ts). Checked every minute.
   */
  ABANDONED_CALL_MS: intVar({ min: 60_000, max: 7 * 86_400_000, def: 3_600_000 }),
  /**
   * Retention of tenants without their own setting, in days. 0 keeps calls forever and is refused
   * unless RETENTION_KEEP_FOREVER=true says that is meant.
   */
  DEFAULT_RETENTION_DAYS: intVar({ min: 0, max: 36_500, def: 90 }),
  RETENTION_KEEP_FOREVER: boolVar(false),
  /**
   * Per-tenant retention in days, `tenant=days,…` (e.g. `acme=30,beta=365`); tenants not listed keep
   * DEFAULT_RETENTION_DAYS. A setting made with PUT /tenants/:tenant/retention wins over this.
   */
  TENANT_RETENTION_DAYS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const days: Record<string, number> = {};
      for (const entry of commaList(text)) {
        const m = /^([^=\s]{1,200})=(\d{1,5})$/.exec(entry);
        const n = m ? Number(m[2]) : 0;
        if (!m || n < 1 || n > 36_500) {
          ctx.addIssue({ code: 'custom', message: `"${entry}": expected tenant=days with days 1..36500` });
          return z.NEVER;
        }
        days[m[1]] = n;
      }
      return days;
    }),
  /** Rows of no stored call (its start never came, or came after the purge) go after this long. */
  ORPHAN_GRACE_HOURS: intVar({ min: 1, max: 8_760, def: 24 }),
  RETENTION_INTERVAL_MS: intVar({ min: 1000, max: 86_400_000, def: 3_600_000 }),
  /** Folder of the built review page (npm run build:store-web). */
  STORE_WEB_ROOT: z.string().min(1).default('dist/store-web'),
  SERVE_WEB: boolVar(true),
});

export type CallStoreConfig = z.infer<typeof callStoreEnv> & {
  runMode: RunMode;
  topicReplication: TopicReplication;
  /** The key /internal/ verifies service tokens with: SERVICE_TOKEN_SECRET, else JWT_SECRET. */
  serviceKey: string;
  /** The key it replaced during a rotation: SERVICE_TOKEN_PREVIOUS_SECRET, else JWT_PREVIOUS_SECRET. */
  servicePreviousKey: string | undefined;
  /** DATABASE_URL_FILE: read again for each new connection's password (backend/rotating-password.ts). */
  databaseUrlFile: string | undefined;
};

/** The previous keys beside the current ones: a key's rules, and no key of the other role. */
function rotationProblems(config: z.infer<typeof callStoreEnv>, production: boolean): string[] {
  const { JWT_SECRET, JWT_PREVIOUS_SECRET, SERVICE_TOKEN_SECRET, SERVICE_TOKEN_PREVIOUS_SECRET } = config;
  return [
    ...previousKeyProblems({
      variable: 'JWT_PREVIOUS_SECRET',
      value: JWT_PREVIOUS_SECRET,
      current: { variable: 'JWT_SECRET', value: JWT_SECRET },
      production,
      reservedKeys: { SERVICE_TOKEN_SECRET, SERVICE_TOKEN_PREVIOUS_SECRET },
    }),
    ...previousKeyProblems({
      variable: 'SERVICE_TOKEN_PREVIOUS_SECRET',
      value: SERVICE_TOKEN_PREVIOUS_SECRET,
      current: { variable: 'SERVICE_TOKEN_SECRET', value: SERVICE_TOKEN_SECRET },
      production,
      reservedKeys: { JWT_SECRET, JWT_PREVIOUS_SECRET },
    }),
  ];
}

/**
 * Production refuses a published or weak JWT key and the implicit demo users file: STORE_USERS_FILE
 * must be set, to your users file or to '' (no login endpoint), and the file must exist (a missing
 * file silently switching login off is a development convenience only).
 */
function productionProblems(env: Record<string, string | undefined>): string[] {
  const problems = secretProblems('JWT_SECRET', env.JWT_SECRET, 'token key');
  const plaintext = databaseTlsProblem(
    env.DATABASE_URL,
    ['true', '1'].includes(env.DATABASE_ALLOW_PLAINTEXT ?? ''),
    env.PGSSLMODE,
  );
  if (plaintext) problems.push(plaintext);
  const users = env.STORE_USERS_FILE;
  if (users === undefined)
    problems.push("STORE_USERS_FILE: required in production (your users file, or '' for no login)");
  else if (users !== '' && !existsSync(users))
    problems.push(`STORE_USERS_FILE: file "${users}" does not exist`);
  return problems;
}

/** Keeping calls forever must be said in so many words, not by a 0 that looks like "unset". */
function retentionProblems(config: { DEFAULT_RETENTION_DAYS: number; RETENTION_KEEP_FOREVER: boolean }) {
  if (config.DEFAULT_RETENTION_DAYS === 0 && !config.RETENTION_KEEP_FOREVER)
    return [
      'DEFAULT_RETENTION_DAYS: 0 keeps calls forever; set RETENTION_KEEP_FOREVER=true if that is meant',
    ];
  if (config.DEFAULT_RETENTION_DAYS > 0 && config.RETENTION_KEEP_FOREVER)
    return [
      `RETENTION_KEEP_FOREVER: true needs DEFAULT_RETENTION_DAYS=0 (got ${config.DEFAULT_RETENTION_DAYS})`,
    ];
  return [];
}

export function loadCallStoreConfig(
  environment: Record<string, string | undefined> = process.env,
): CallStoreConfig {
  const env = resolveSecretFiles(callStoreEnv, environment);
  const runMode = runModeOf(env);
  const production = runMode === 'production';
  let config: z.infer<typeof callStoreEnv>;
  try {
    config = loadConfig(callStoreEnv, env);
  } catch (error) {
    // The production checks read the raw variables: name theirs in the same line.
    if (!(error instanceof ConfigError) || !production) throw error;
    throw new ConfigError(mergeProblems(error.problems, productionProblems(env)));
  }
  const topics = resolveTopicReplication(config, runMode);
  const key = serviceKeyOf(config.SERVICE_TOKEN_SECRET, config.JWT_SECRET, production);
  const problems = [
    ...(production ? productionProblems(env) : []),
    ...(production && key.variable !== 'SERVICE_TOKEN_SECRET' ? [SERVICE_KEY_REQUIRED] : []),
    ...key.problems,
    ...rotationProblems(config, production),
    ...retentionProblems(config),
    ...topics.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...config,
    runMode,
    topicReplication: topics.replication,
    serviceKey: key.value ?? config.JWT_SECRET,
    servicePreviousKey:
      (config.SERVICE_TOKEN_SECRET ? config.SERVICE_TOKEN_PREVIOUS_SECRET : config.JWT_PREVIOUS_SECRET) ||
      undefined,
    databaseUrlFile: (config.DATABASE_URL && environment.DATABASE_URL_FILE) || undefined,
  };
}
