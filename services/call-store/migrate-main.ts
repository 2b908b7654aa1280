// `npm run migrate [-- --status]`: the call store's schema migrations without the service, for a
// pre-deploy step (a Kubernetes Job, a CI stage) that runs them before the new release starts,
// so the service's own database user needs no DDL rights (STORE_MIGRATE_AT_START=false). The
// same migrations under the same advisory lock as a start of the service (migrate.ts); prints
// one JSON object. Config: the call store's DATABASE_URL (or DATABASE_URL_FILE), STORE_DATA_DIR,
// DATABASE_ALLOW_PLAINTEXT, checked as the service checks them. Exit 0 done / current, 1 with
// `--status` when migrations are pending, 2 on a configuration problem, 1 when the database fails.
// I/O: database, process.
import { resolve } from 'node:path';
import { parseCli } from '../shared/cli-args.ts';
import { ConfigError, loadConfig } from '../shared/config.ts';
import { runModeOf } from '../shared/run-mode.ts';
import { startOrExit } from '../shared/start-error.ts';
import { openBackend } from './backend/backend.ts';
import { callStoreEnv } from './config.ts';
import { databaseTlsProblem } from './database-tls.ts';
import { migrate, schemaStatus } from './migrate.ts';
import { storeOpenError } from './store-open-error.ts';

const NAME = 'call-store-migrate';
/** The npm script's name, as every script's usage lines carry it. */
const COMMAND = 'migrate';
const USAGE = `usage: npm run migrate [-- --status]
  Applies the call store's pending schema migrations (DATABASE_URL, else PGlite in STORE_DATA_DIR)
  and prints what it applied. --status applies nothing: prints where the schema stands and exits 1
  when migrations are pending.`;

const cli = parseCli(COMMAND, USAGE, { options: { status: { type: 'boolean' } }, allowPositionals: false });
const migrateEnv = callStoreEnv.pick({
  DATABASE_URL: true,
  DATABASE_ALLOW_PLAINTEXT: true,
  STORE_DATA_DIR: true,
});

const result = await startOrExit(NAME, async () => {
  const config = loadConfig(migrateEnv);
  // The service's own production check: DDL over a plaintext link carries the password in clear.
  if (runModeOf() === 'production') {
    const plaintext = databaseTlsProblem(
      config.DATABASE_URL,
      config.DATABASE_ALLOW_PLAINTEXT,
      process.env.PGSSLMODE,
    );
    if (plaintext) throw new ConfigError([plaintext]);
  }
  const backend = await openBackend({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : resolve(config.STORE_DATA_DIR),
    poolSize: 1,
  }).catch((error: unknown) => {
    throw storeOpenError(config, error);
  });
  const started = performance.now();
  try {
    const applied = cli.values.status ? undefined : await migrate(backend);
    const status = await schemaStatus(backend);
    return {
      backend: backend.kind,
      ...(applied === undefined ? {} : { applied }),
      schemaVersion: status.version,
      releaseVersion: status.known,
      pending: status.pending,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    await backend.close();
  }
});
// Never the URL: it carries the password.
process.stdout.write(JSON.stringify(result) + '\n');
process.exitCode = result.pending.length > 0 || result.schemaVersion > result.releaseVersion ? 1 : 0;
