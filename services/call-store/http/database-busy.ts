// A request the database could not serve in time: a statement cancelled at statement_timeout, or no
// connection within the pool's connect timeout (backend/backend.ts). That is the database's load,
// not the request's fault nor a defect: 503 DATABASE_BUSY with Retry-After, so that clients and
// load balancers back off, where it used to be a 500 INTERNAL that read as a bug. Pure.
import { sqlStateOf } from '../backend/sql-state.ts';
import { StoreError } from '../errors.ts';

/** SQLSTATE 57014 query_canceled: statement_timeout (or an administrator's pg_cancel_backend). */
const QUERY_CANCELED = '57014';

/**
 * pg-pool's own errors carry no code, only these messages (pg-pool/index.js, pg 8.x): waiting for a
 * free client of a full pool, and a new connection that did not open in time.
 */
const POOL_TIMEOUTS = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

const RETRY_AFTER_MS = 5_000;

/** The 503 for a database timeout, or null for any other error. */
export function databaseBusy(error: unknown): StoreError | null {
  const timedOut =
    sqlStateOf(error) === QUERY_CANCELED || (error instanceof Error && POOL_TIMEOUTS.includes(error.message));
  if (!timedOut) return null;
  return new StoreError('DATABASE_BUSY', 'the database did not answer in time; retry later', [], {
    cause: error,
    retryAfterMs: RETRY_AFTER_MS,
  });
}
