// Call-store service entry: consumes calls, features, emotions and alerts into the store, summarises
// ended calls, purges per tenant retention, and serves the QA API and review page.
// I/O: Kafka, database, HTTP; run with `sh scripts/node24.sh services/call-store/main.ts`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bootService } from '../shared/index.ts';
import { keyBytes } from '../shared/auth/key-rotation.ts';
import { createLoginFailureFeed } from '../shared/auth/login-failure-feed.ts';
import { loginLimitsOf } from '../shared/auth/login-limiter.ts';
import { metricBuilders } from '../shared/metric-builders.ts';
import { sqlStateOf } from './backend/sql-state.ts';
import { startPeriodicProbe } from '../shared/periodic-probe.ts';
import { startQaServer } from './http/server.ts';
import { createStoreIngest } from './ingest/consumer.ts';
import { exitOnStartError } from '../shared/start-error.ts';
import { loadCallStoreStartup } from './startup.ts';
import { openCallStore } from './store.ts';
import { keepPaceLines } from './pace-rules.ts';
import type { RetentionPolicy } from './store/retention.ts';
import { storeOpenError } from './store-open-error.ts';
import { createPurgeSchedule } from './retention-schedule.ts';
import { settingNames } from '../shared/setting-names.ts';
import { callStoreEnv } from './config.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import { callErasedCodec } from '../shared/records.ts';
import { callKey } from '../shared/call-key.ts';
import { createRevocationFeed } from '../shared/auth/revocation-feed.ts';

// Configuration and users file before anything else: a problem exits 2 with CONFIG_INVALID.
const { config, login, teamOfAgent } = await loadCallStoreStartup().catch((error: unknown) =>
  exitOnStartError('call-store', error),
);
const topics = {
  calls: config.CALLS_TOPIC,
  features: config.FEATURES_TOPIC,
  emotions: config.EMOTIONS_TOPIC,
  alerts: config.ALERTS_TOPIC,
};
const base = await bootService({
  service: 'call-store',
  config,
  settings: settingNames(callStoreEnv),
  topics: [
    ...Object.values(topics),
    config.DEADLETTER_TOPIC,
    config.ERASURES_TOPIC,
    config.REVOCATIONS_TOPIC,
    config.LOGIN_FAILURES_TOPIC,
  ],
  revocationsTopic: config.REVOCATIONS_TOPIC,
  loginFailures: { topic: config.LOGIN_FAILURES_TOPIC, retentionMs: loginLimitsOf(config).forgetAfterMs },
  // The QA API answers from the database in a Kafka outage: reviewers keep working
  // (va_kafka_broker_reachable and the consumer lag say the broker is gone).
  brokerReadiness: false,
}).catch((error: unknown) => exitOnStartError('call-store', error));
const { logger, metrics, shutdown } = base;
// Not ready ("starting") until the store is open, the consumer joined and the QA API listens.
// After the ops server (migrations may take a while: /healthz answers meanwhile, /readyz says
// not ready). A database that cannot be reached, or a data folder that cannot be written, is one
// STORE_OPEN_FAILED line naming it, not a driver's stack.
const retentionPolicy: RetentionPolicy = {
  defaultDays: config.RETENTION_KEEP_FOREVER ? null : config.DEFAULT_RETENTION_DAYS,
  tenantDays: config.TENANT_RETENTION_DAYS,
  orphanGraceMs: config.ORPHAN_GRACE_HOURS * 3_600_000,
};
// The scorecard's pace line per tenant and queue, from the alert service's rule files.
// Kept in force as the files change (a tenant's edit applies to the next summaries, as on the page).
const paceLines = await keepPaceLines(config, logger, metrics.registry).catch((error: unknown) =>
  exitOnStartError('call-store', error),
);
const paceLineOf = paceLines.paceLineOf;
// PGlite runs each statement to its end on this process's one thread: statement_timeout is
// accepted and never applied, and while a statement runs nothing else does (ingest, the API,
// /healthz). Said once at start, so an operator of a site with heavy reports knows to move to
// PostgreSQL (SECURITY.md, Known gaps).
if (!config.DATABASE_URL && config.DATABASE_STATEMENT_TIMEOUT_MS > 0)
  logger.warn(
    'DATABASE_STATEMENT_TIMEOUT_MS is not enforced on PGlite: a slow statement holds the whole process',
    {
      code: 'STATEMENT_TIMEOUT_NOT_ENFORCED',
    },
  );
const store = await openCallStore({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATABASE_URL ? undefined : resolve(config.STORE_DATA_DIR),
  poolSize: config.DATABASE_POOL_SIZE,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  // A rotated password in DATABASE_URL_FILE is used by the next connection, no restart.
  passwordFile: config.databaseUrlFile
    ? {
        path: config.databaseUrlFile,
        report: (code) => {
          metrics.errors.inc({ code });
          logger.warn('DATABASE_URL_FILE not applied: new connections keep the previous password', { code });
        },
      }
    : undefined,
  // The alert service forgets the erased calls' alerts and live state (wallboard snapshots).
  announceErasure: ({ erasureId, tenant, callIds }) =>
    sendRecords(
      base.producer,
      callIds.map((callId) =>
        outRecord(config.ERASURES_TOPIC, callErasedCodec, callKey(tenant, callId), {
          tenant,
          callId,
          erasureId,
          erasedAtMs: Date.now(),
        }),
      ),
    ),
  migrateAtStart: config.STORE_MIGRATE_AT_START,
  retention: retentionPolicy,
  paceLineOf,
  onMigrated: (versions) => {
    if (versions.length > 0) logger.info('schema migrated', { applied: versions });
  },
}).catch((error: unknown) => exitOnStartError('call-store', storeOpenError(config, error)));
logger.info('store open', { backend: store.backend.kind });
// Ready only while the database answers: without it every batch fails and the QA API errors.
const database = startPeriodicProbe(() => store.backend.query('SELECT 1'), { initiallyReady: true });
base.ops.addReadiness('database', () => database.ready());

const metric = metricBuilders(metrics.registry);
// The same probe as a series, for an alert: readiness alone paged no one while the database was
// away (batches failed as CONSUMER_CRASH below the error-rate rule's threshold).
metric.gaugeReading(
  'va_store_database_up',
  '1 while the database answered the last probe (SELECT 1 every 5 s), else 0',
  () => (database.ready() ? 1 : 0),
);
const rows = metric.counter(
  'va_store_rows_total',
  'Rows written / duplicates dropped / rows of erased calls, or of calls a replay brought back past retention, dropped / records of a later call under an ended call id dropped (call_id_reused)',
  ['result'],
);
const batchSeconds = metric.histogram(
  'va_store_batch_seconds',
  'One ingest batch: decode, validate, write, commit',
);
const apiSeconds = metric.histogram('va_store_api_seconds', 'QA API requests', {
  labelNames: ['route', 'status'],
});

const ingest = createStoreIngest({
  kafka: base.kafka,
  producer: base.producer,
  store,
  logger,
  groupId: config.STORE_GROUP_ID,
  topics,
  deadLetterTopic: config.DEADLETTER_TOPIC,
  maxBatchRecords: config.STORE_BATCH_RECORDS,
  metrics,
  teamOfAgent,
  onBatch: (stats, seconds) => {
    rows.inc({ result: 'inserted' }, stats.inserted);
    rows.inc({ result: 'duplicate' }, stats.duplicates);
    rows.inc({ result: 'erased' }, stats.erased);
    rows.inc({ result: 'call_id_reused' }, stats.reused);
    metrics.recordsIn.inc({ topic: 'all' }, stats.records);
    batchSeconds.observe(seconds);
  },
});
await ingest.start();
// Signed-out tokens and revoked users, from every instance of every service: the API refuses
// them, and answers 503 until it has read the ones there were at start.
const revocations = createRevocationFeed({
  kafka: base.kafka,
  producer: base.producer,
  service: 'call-store',
  groupPrefix: config.STORE_REVOCATIONS_GROUP_PREFIX,
  topic: config.REVOCATIONS_TOPIC,
  logger,
  metrics,
});
await revocations.start();
base.ops.addReadiness('revocations', () => revocations.ready());
// Failed logins counted with every instance of both login services; not ready before it has read
// the ones there were (a restart would give a locked account its free failures again).
const loginFailures = createLoginFailureFeed({
  kafka: base.kafka,
  producer: base.producer,
  service: 'call-store',
  groupPrefix: config.STORE_LOGIN_FAILURES_GROUP_PREFIX,
  topic: config.LOGIN_FAILURES_TOPIC,
  logger,
  metrics,
  limits: loginLimitsOf(config),
  jwtSecret: config.JWT_SECRET,
  previousJwtSecret: config.JWT_PREVIOUS_SECRET,
});
await loginFailures.start();
base.ops.addReadiness('login-failures', () => loginFailures.ready());

const webRoot = resolve(config.STORE_WEB_ROOT);
if (config.SERVE_WEB && !existsSync(webRoot))
  logger.warn('review page not built (npm run build:store-web)', { webRoot });
const api = await startQaServer({
  store,
  tokens: {
    secret: new TextEncoder().encode(config.JWT_SECRET),
    previousSecret: keyBytes(config.JWT_PREVIOUS_SECRET),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    tokenTtlS: config.TOKEN_TTL_S,
  },
  serviceKey: new TextEncoder().encode(config.serviceKey),
  servicePreviousKey: keyBytes(config.servicePreviousKey),
  port: config.API_PORT,
  host: config.API_HOST,
  webRoot: config.SERVE_WEB ? webRoot : undefined,
  login,
  revocations,
  loginLimiter: loginFailures.limiter,
  trustedProxies: config.LOGIN_TRUSTED_PROXIES,
  observe: (route, status, seconds) => apiSeconds.observe({ route, status: String(status) }, seconds),
  // The access audit: who read, exported, reviewed, erased or changed what (staff user ids and
  // call ids; never a customer's pseudonym, a token or a call's content).
  audit: (entry) => logger.info('qa access', { ...entry }),
  // A database error's message may quote the caller's text (a time, an id): its SQLSTATE only.
  onError: (error) => {
    const sqlState = sqlStateOf(error);
    logger.error('api request failed', sqlState ? { sqlState } : { error });
  },
}).catch((error: unknown) => exitOnStartError('call-store', error)); // e.g. API_PORT in use: one line
base.markStarted();
logger.info('QA API listening', { port: api.port, page: `http://${config.API_HOST}:${api.port}/qa/` });

/** How often live calls are checked for a lost end (ABANDONED_CALL_MS is at least a minute). */
const ABANDONED_SWEEP_MS = 60_000;
const summaries = setInterval(() => {
  store
    .finalizePending(config.SUMMARY_SETTLE_MS)
    .catch((error) => logger.error('summaries failed', { error }));
}, config.SUMMARY_INTERVAL_MS);
const abandoned = setInterval(() => {
  store
    .closeAbandoned(config.ABANDONED_CALL_MS)
    .then((closed) => {
      if (closed.length > 0) logger.warn('ended calls that never sent an end', { calls: closed.length });
    })
    .catch((error) => logger.error('closing abandoned calls failed', { error }));
}, ABANDONED_SWEEP_MS);
// One purge at a time: a tick while the last one still runs is skipped (retention-schedule.ts).
const purges = createPurgeSchedule(() => store.purgeExpired(retentionPolicy), logger);
const retention = setInterval(() => void purges.tick(), config.RETENTION_INTERVAL_MS);

shutdown.add('stop intake', async () => {
  clearInterval(summaries);
  clearInterval(abandoned);
  clearInterval(retention);
  paceLines.close();
  await api.close();
  await revocations.stop();
  await loginFailures.stop();
  await ingest.stop();
});
shutdown.add('close store', async () => {
  await database.stop();
  await store.close();
});
