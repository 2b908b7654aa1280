// The call-store service's options from the environment (zod, via services/shared loadConfig):
// Kafka, database (DATABASE_URL → PostgreSQL, else PGlite in STORE_DATA_DIR), API port, tokens,
// batching, summaries and retention. Pure (env passed in).
import { z } from 'zod';
import { boolVar, commonEnv, intVar, loadConfig } from '../shared/index.ts';

export const callStoreEnv = z.object({
  ...commonEnv,
  /** postgres://… ; unset = embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  STORE_DATA_DIR: z.string().min(1).default('.data/call-store'),
  DATABASE_POOL_SIZE: intVar({ min: 1, max: 100, def: 8 }),
  /** Port of the QA API and review page; 0 = any free port. */
  API_PORT: intVar({ min: 0, max: 65535, def: 8090 }),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** HS256 key shared with the alert service's login (at least 32 bytes). */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_ISSUER: z.string().min(1).default('voice-analytics'),
  JWT_AUDIENCE: z.string().min(1).default('voice-analytics'),
  CONSUMER_GROUP: z.string().min(1).default('call-store'),
  STORE_BATCH_RECORDS: intVar({ min: 1, max: 50_000, def: 2000 }),
  /** An ended call is summarised once it got no new event for this long. */
  SUMMARY_SETTLE_MS: intVar({ min: 0, def: 5000 }),
  SUMMARY_INTERVAL_MS: intVar({ min: 100, def: 2000 }),
  /** Retention of tenants without their own setting, in days; 0 = keep forever. */
  DEFAULT_RETENTION_DAYS: intVar({ min: 0, max: 36_500, def: 0 }),
  RETENTION_INTERVAL_MS: intVar({ min: 1000, def: 3_600_000 }),
  /** Folder of the built review page (npm run build:store-web). */
  STORE_WEB_ROOT: z.string().min(1).default('dist/store-web'),
  SERVE_WEB: boolVar(true),
});

export type CallStoreConfig = z.infer<typeof callStoreEnv>;

export function loadCallStoreConfig(env: Record<string, string | undefined> = process.env): CallStoreConfig {
  return loadConfig(callStoreEnv, env);
}
