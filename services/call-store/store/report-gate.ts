// How many heavy reports (the alert precision and CSAT reports: each reads every alert or survey
// of a period, minutes at a big site's 90 days) run at once in one call-store process. The pool
// (DATABASE_POOL_SIZE, 8) is ingest's too, and the process serves every tenant of a deployment:
// one report per tenant at a time, and at most REPORTS_AT_ONCE in all, so reports never hold
// more than two connections and one tenant's reviewers, pressing "Show" again and again, can no
// longer keep every other tenant's reports answering busy (the single process-wide slot did) nor
// hold the pool (the CSAT report had no limit: eight at once took every connection). A report
// refused answers 503 DATABASE_BUSY with Retry-After and holds no connection. Pure.
import { StoreError } from '../errors.ts';

/** Reports running at once in one process (of any tenants). */
export const REPORTS_AT_ONCE = 2;

/** What a refused report is told to wait before asking again. */
const RETRY_AFTER_MS = 10_000;

export interface ReportGate {
  /**
   * Runs `report` for `tenant` (null: an admin of every tenant, one tenant of its own here) unless
   * that tenant has a report running, or REPORTS_AT_ONCE do: then DATABASE_BUSY, nothing run.
   */
  run<T>(tenant: string | null, report: () => Promise<T>): Promise<T>;
}

export function createReportGate(atOnce = REPORTS_AT_ONCE): ReportGate {
  // A Map key no tenant name can be (TENANT_NAME: [\w.-]): the every-tenant admin's reports.
  const EVERY_TENANT = '*';
  const running = new Set<string>();
  return {
    async run(tenant, report) {
      const key = tenant ?? EVERY_TENANT;
      if (running.has(key) || running.size >= atOnce)
        throw new StoreError(
          'DATABASE_BUSY',
          running.has(key) ? 'another report of this tenant is running' : 'other reports are running',
          [],
          { retryAfterMs: RETRY_AFTER_MS },
        );
      running.add(key);
      try {
        return await report();
      } finally {
        running.delete(key);
      }
    },
  };
}
