// The call store's public face: opens a backend (pg when DATABASE_URL is set, PGlite otherwise),
// migrates it, and offers idempotent batch writes, call-end summaries, QA queries and retention.
// I/O: database.
import { openBackend, type BackendOptions, type SqlBackend } from './backend/backend.ts';
import { parseStoreEvent, type StoreEvent } from './events.ts';
import type { StoreError } from './errors.ts';
import { migrate, requireCurrentSchema } from './migrate.ts';
import { agentSummary } from './store/agents.ts';
import { alertPrecision, type AlertPrecisionReport } from './store/alert-precision.ts';
import { createReportGate } from './store/report-gate.ts';
import { putVerdict } from './store/put-verdict.ts';
import { addReview, getCall } from './store/calls.ts';
import { closeAbandonedCalls, type ClosedCall } from './store/abandoned.ts';
import {
  eraseCall,
  eraseCustomer,
  listErasures,
  type AnnounceErasure,
  type ErasureAuditEntry,
  type ErasureResult,
} from './store/erasure.ts';
import { eraseAgent, type AgentErasureResult } from './store/agent-erasure.ts';
import { finalizeCall, finalizePending } from './store/finalize.ts';
import { DEFAULT_PACE_LINE, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import { customerCalls, historySummary } from './store/history.ts';
import {
  clearRetention,
  getRetention,
  purgeExpired,
  purgeUnusedLinks,
  setRetention,
  type PurgeResult,
  type RetentionPolicy,
} from './store/retention.ts';
import { searchCalls, type SearchQuery } from './store/search.ts';
import { surveyReport, type ReportPeriod } from './store/survey-report.ts';
import { importSurveys, type SurveyImportResult } from './store/surveys.ts';
import type { CsatReport, CsatReportOptions } from '../../pipelines/surveys/index.ts';
import type { Scope } from '../shared/auth/call-access.ts';
import { exportCsv, getTimeline, getTimelineJson } from './store/timeline.ts';
import { writeEvents, type WriteResult } from './store/writes.ts';

export interface RejectedEvent {
  index: number;
  error: StoreError;
}

export interface CallStore {
  readonly backend: SqlBackend;
  /** Validates and writes a batch in one transaction; invalid events are returned, not written. */
  write(events: readonly unknown[]): Promise<WriteResult & { rejected: RejectedEvent[] }>;
  /** Writes events that are already validated. */
  writeValid(events: readonly StoreEvent[]): Promise<WriteResult>;
  finalizeCall(tenant: string, callId: string): Promise<boolean>;
  finalizePending(settleMs: number): Promise<number>;
  /** Ends the live calls whose audio stopped `idleMs` ago without a call end (store/abandoned.ts). */
  closeAbandoned(idleMs: number, now?: Date): Promise<ClosedCall[]>;
  searchCalls(scope: Scope, query: SearchQuery): ReturnType<typeof searchCalls>;
  getCall(scope: Scope, callId: string): ReturnType<typeof getCall>;
  getTimeline(scope: Scope, callId: string, maxPoints: number | null): ReturnType<typeof getTimeline>;
  /** The same as JSON text, passed through from the database at full resolution. */
  getTimelineJson(scope: Scope, callId: string, maxPoints: number | null): Promise<string>;
  exportCsv(scope: Scope, callId: string): Promise<string>;
  agentSummary(scope: Scope, agentId: string, from: string, to: string): ReturnType<typeof agentSummary>;
  addReview(scope: Scope, callId: string, reviewer: string, body: unknown): ReturnType<typeof addReview>;
  /** The reviewer's verdict on one alert of the call, replacing any earlier one (store/put-verdict.ts). */
  putVerdict(
    scope: Scope,
    callId: string,
    alertId: string,
    reviewer: string,
    body: unknown,
  ): ReturnType<typeof putVerdict>;
  /** Per rule, the alerts raised and their verdicts, with precision (store/alert-precision.ts). */
  alertPrecision(scope: Scope, period?: ReportPeriod & { team?: string }): Promise<AlertPrecisionReport>;
  /** A customer's calls (by pseudonym) inside the scope, newest first, with mood at start and end. */
  customerCalls(scope: Scope, ref: string): ReturnType<typeof customerCalls>;
  /** What the live history line says about a customer's earlier calls (internal route). */
  historySummary(
    tenant: string,
    ref: string,
    options: { excludeCallId?: string; windowDays: number; previousRef?: string; previousCallId?: string },
  ): ReturnType<typeof historySummary>;
  /** Deletes every row held about the customer in the tenant; audited without the reference. */
  eraseCustomer(tenant: string, ref: string, requestedBy: string): Promise<ErasureResult>;
  /** One call of the tenant, every row of it (NOT_FOUND when the store holds none). */
  eraseCall(tenant: string, callId: string, requestedBy: string): Promise<ErasureResult>;
  /**
   * An agent of the tenant: their voice analysis and scorecards deleted, their id replaced by a
   * tombstone on every call and leg; audited by the id's digest (never the id).
   */
  eraseAgent(tenant: string, agentId: string, requestedBy: string): Promise<AgentErasureResult>;
  /** The tenant's erasure audit, newest first. */
  listErasures(tenant: string, limit: number): Promise<ErasureAuditEntry[]>;
  /** Upserts validated survey rows of calls in the scope; bad rows come back with their place. */
  importSurveys(
    scope: Scope,
    rows: Parameters<typeof importSurveys>[2],
    source: 'api' | 'csv',
  ): Promise<SurveyImportResult>;
  /** The CSAT/NPS report over the surveyed calls in the scope (started in `period`, if given). */
  csatReport(scope: Scope, options?: Partial<CsatReportOptions>, period?: ReportPeriod): Promise<CsatReport>;
  setRetention(tenant: string, days: number): Promise<void>;
  /** The days set over the API, or null (the configuration's or the default apply). */
  getRetention(tenant: string): Promise<number | null>;
  /** Forgets the API's setting; false when there was none. */
  clearRetention(tenant: string): Promise<boolean>;
  /** Expired calls, then the key rotation's links no call needs any more (purgeUnusedLinks). */
  purgeExpired(policy: RetentionPolicy, now?: Date): Promise<PurgeResult>;
  close(): Promise<void>;
}

export function createCallStore(backend: SqlBackend, hooks: StoreHooks = {}): CallStore {
  const paceLineOf = hooks.paceLineOf ?? (() => DEFAULT_PACE_LINE);
  // The heavy reports, one per tenant and two in all at a time (store/report-gate.ts).
  const reports = createReportGate();
  const writeValid = (events: readonly StoreEvent[]) =>
    backend.transaction((tx) => writeEvents(tx, events, hooks.announceErasure, hooks.retention));
  return {
    backend,
    async write(events) {
      const valid: StoreEvent[] = [];
      const rejected: RejectedEvent[] = [];
      events.forEach((raw, index) => {
        try {
          valid.push(parseStoreEvent(raw));
        } catch (error) {
          rejected.push({ index, error: error as StoreError });
        }
      });
      const result =
        valid.length > 0 ? await writeValid(valid) : { inserted: 0, duplicates: 0, erased: 0, reused: 0 };
      return { ...result, rejected };
    },
    writeValid,
    finalizeCall: (tenant, callId) => finalizeCall(backend, tenant, callId, paceLineOf),
    finalizePending: (settleMs) => finalizePending(backend, settleMs, undefined, paceLineOf),
    closeAbandoned: (idleMs, now) => closeAbandonedCalls(backend, idleMs, now),
    searchCalls: (scope, query) => searchCalls(backend, scope, query),
    getCall: (scope, callId) => getCall(backend, scope, callId),
    getTimeline: (scope, callId, maxPoints) => getTimeline(backend, scope, callId, maxPoints),
    getTimelineJson: (scope, callId, maxPoints) => getTimelineJson(backend, scope, callId, maxPoints),
    exportCsv: (scope, callId) => exportCsv(backend, scope, callId),
    agentSummary: (scope, agentId, from, to) => agentSummary(backend, scope, agentId, from, to),
    addReview: (scope, callId, reviewer, body) => addReview(backend, scope, callId, reviewer, body),
    putVerdict: (scope, callId, alertId, reviewer, body) =>
      putVerdict(backend, scope, callId, alertId, reviewer, body),
    alertPrecision: (scope, period) =>
      reports.run(scope.tenant, () => alertPrecision(backend, scope, period)),
    customerCalls: (scope, ref) => customerCalls(backend, scope, ref),
    historySummary: (tenant, ref, options) => historySummary(backend, tenant, ref, options),
    eraseCustomer: (tenant, ref, requestedBy) =>
      eraseCustomer(backend, tenant, ref, requestedBy, hooks.announceErasure),
    eraseCall: (tenant, callId, requestedBy) =>
      eraseCall(backend, tenant, callId, requestedBy, hooks.announceErasure),
    eraseAgent: (tenant, agentId, requestedBy) => eraseAgent(backend, tenant, agentId, requestedBy),
    listErasures: (tenant, limit) => listErasures(backend, tenant, limit),
    importSurveys: (scope, rows, source) => importSurveys(backend, scope, rows, source),
    csatReport: (scope, options, period) =>
      reports.run(scope.tenant, () => surveyReport(backend, scope, options, period)),
    setRetention: (tenant, days) => setRetention(backend, tenant, days),
    getRetention: (tenant) => getRetention(backend, tenant),
    clearRetention: (tenant) => clearRetention(backend, tenant),
    purgeExpired: async (policy, now) => {
      const purged = await purgeExpired(backend, policy, now);
      await purgeUnusedLinks(backend, policy, now);
      return purged;
    },
    close: () => backend.close(),
  };
}

export interface StoreHooks {
  /** Tells the live services a customer's calls were erased (va.erasures.v1); absent offline. */
  announceErasure?: AnnounceErasure;
  /** The migrations this start applied (the service logs them), called once the schema is current. */
  onMigrated?: (versions: readonly number[]) => void;
  /**
   * false: apply nothing, refuse a schema that is not this release's (SCHEMA_BEHIND): the
   * migrations ran before, by `npm run migrate` (a pre-deploy job; a database user without DDL).
   */
  migrateAtStart?: boolean;
  /**
   * The service's retention (the purge's): a call start already past it is not written, so a
   * replay of the topics does not bring back what the purge deleted. Absent: every start is kept.
   */
  retention?: Pick<RetentionPolicy, 'defaultDays' | 'tenantDays'>;
  /**
   * The agent-too-fast line of a call's tenant and queue, as the alert service's rules say
   * (pace-rules.ts): the scorecard's agentPace judges it. Absent: the shipped rule's line.
   */
  paceLineOf?: PaceLineOf;
}

/** Opens the configured backend and applies pending migrations. */
export async function openCallStore(options: BackendOptions & StoreHooks): Promise<CallStore> {
  const backend = await openBackend(options);
  try {
    if (options.migrateAtStart === false) await requireCurrentSchema(backend);
    else {
      // Not inside `onMigrated?.(…)`: an absent hook would skip evaluating (running) the migration.
      const applied = await migrate(backend);
      options.onMigrated?.(applied);
    }
  } catch (error) {
    await backend.close();
    throw error;
  }
  return createCallStore(backend, options);
}
