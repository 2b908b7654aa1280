// Post-call survey import (CSAT 1..5, NPS 0..10) by JSON or CSV: every row validated on its own —
// bad rows come back with their line (CSV) or index (JSON) and a stable code, good rows are kept.
// Rows are upserted by (tenant, call id): re-importing changes nothing; a CSAT-only and an NPS-only
// import of one call merge. Only calls the caller may see take surveys. I/O: database.
import { CodedError } from '../../../pipelines/errors.ts';
import type { SqlBackend } from '../backend/backend.ts';
import { StoreError } from '../errors.ts';
import { jsonParam } from './rows.ts';
import type { Scope } from '../../shared/auth/call-access.ts';
import { legScopeSql } from './leg-scope.ts';
import type { CsvRecord } from './survey-csv.ts';
import { wallTimeProblem } from '../../shared/wall-clock.ts';

export const SURVEY_ROW_CODES = [
  'MALFORMED_ROW',
  'INVALID_CALL_ID',
  'INVALID_CSAT',
  'INVALID_NPS',
  'INVALID_TIME',
  'NO_SCORE',
  'DUPLICATE_CALL',
  'UNKNOWN_CALL',
] as const;
export type SurveyRowCode = (typeof SURVEY_ROW_CODES)[number];

export interface SurveyRow {
  callId: string;
  csat: number | null;
  nps: number | null;
  respondedAt: string | null;
}

export interface RejectedSurveyRow {
  /** CSV: the file line the row starts on (header = 1). */
  line?: number;
  /** JSON: the item's index in `surveys`. */
  index?: number;
  code: SurveyRowCode;
  message: string;
}

export interface SurveyImportResult {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedSurveyRow[];
}

/** Up to this many rows per import (one request); more is a 413-worthy body, not row errors. */
export const MAX_SURVEY_ROWS = 20_000;

class RowProblem extends CodedError<SurveyRowCode> {}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether the date part names a real day: Date.parse rolls 2026-02-30 over to 2 March, which
 * stored a survey on a day its file never said.
 */
function onTheCalendar(t: string): boolean {
  const [year, month, day] = t.slice(0, 10).split('-').map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function score(value: unknown, min: number, max: number, code: SurveyRowCode, name: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new RowProblem(code, `${name}: an integer from ${min} to ${max}`);
  return n;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Validates one raw row (JSON values or CSV cells). */
export function validateSurveyRow(raw: Record<string, unknown>): SurveyRow {
  const callId = raw.callId;
  if (typeof callId !== 'string' || callId.length < 1 || callId.length > 200 || hasControl(callId))
    throw new RowProblem('INVALID_CALL_ID', 'callId: 1 to 200 characters, no control characters');
  const csat = score(raw.csat, 1, 5, 'INVALID_CSAT', 'csat');
  const nps = score(raw.nps, 0, 10, 'INVALID_NPS', 'nps');
  let respondedAt: string | null = null;
  if (raw.respondedAt !== null && raw.respondedAt !== undefined && raw.respondedAt !== '') {
    const t = raw.respondedAt;
    if (typeof t !== 'string' || !ISO_TIME.test(t) || Number.isNaN(Date.parse(t)) || !onTheCalendar(t))
      throw new RowProblem(
        'INVALID_TIME',
        'respondedAt: an ISO 8601 time with offset, e.g. 2026-11-20T09:30:00Z',
      );
    // PostgreSQL has no year 0 (0000-01-01 was a 500 for the whole import): the product's wall
    // clock bounds, as for every other time a record carries.
    const when = wallTimeProblem(Date.parse(t), Date.now());
    if (when) throw new RowProblem('INVALID_TIME', `respondedAt ${when}`);
    respondedAt = new Date(t).toISOString();
  }
  if (csat === null && nps === null) throw new RowProblem('NO_SCORE', 'a csat or an nps is required');
  return { callId, csat, nps, respondedAt };
}

const JSON_KEYS = new Set(['callId', 'csat', 'nps', 'respondedAt']);

/** A JSON body `{ surveys: [...] }` as raw rows; anything else is a 400 for the whole body. */
export function jsonSurveyRows(body: unknown): { at: { index: number }; raw: unknown }[] {
  const list = (body as { surveys?: unknown } | null)?.surveys;
  if (typeof body !== 'object' || body === null || !Array.isArray(list) || Object.keys(body).length !== 1)
    throw new StoreError('INVALID_BODY', 'invalid survey import', [
      '(root): { "surveys": [ ... ] } expected',
    ]);
  return list.map((raw, index) => ({ at: { index }, raw }));
}

export function csvSurveyRows(records: readonly CsvRecord[]): { at: { line: number }; raw: unknown }[] {
  return records.map((r) => ({
    at: { line: r.line },
    raw: r.problem
      ? new RowProblem('MALFORMED_ROW', r.problem)
      : { callId: r.cells.call_id, csat: r.cells.csat, nps: r.cells.nps, respondedAt: r.cells.responded_at },
  }));
}

function checkRaw(raw: unknown): SurveyRow {
  if (raw instanceof RowProblem) throw raw;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new RowProblem('MALFORMED_ROW', 'a survey is an object');
  const unknownKey = Object.keys(raw).find((k) => !JSON_KEYS.has(k));
  if (unknownKey) throw new RowProblem('MALFORMED_ROW', `${unknownKey.slice(0, 40)}: unknown field`);
  return validateSurveyRow(raw as Record<string, unknown>);
}

export async function importSurveys(
  db: SqlBackend,
  scope: Scope,
  rows: readonly { at: { line: number } | { index: number }; raw: unknown }[],
  source: 'api' | 'csv',
): Promise<SurveyImportResult> {
  if (scope.tenant === null)
    throw new StoreError('INVALID_QUERY', 'invalid query', ['tenant: required to import surveys']);
  if (rows.length > MAX_SURVEY_ROWS)
    throw new StoreError('PAYLOAD_TOO_LARGE', `more than ${MAX_SURVEY_ROWS} surveys in one import`);
  const rejected: RejectedSurveyRow[] = [];
  const valid: { at: (typeof rows)[number]['at']; row: SurveyRow }[] = [];
  const seen = new Set<string>();
  for (const { at, raw } of rows) {
    try {
      const row = checkRaw(raw);
      if (seen.has(row.callId))
        throw new RowProblem('DUPLICATE_CALL', `callId: ${row.callId} already given earlier in this import`);
      seen.add(row.callId);
      valid.push({ at, row });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      rejected.push({ ...at, code: error.code, message: error.message });
    }
  }
  const params: unknown[] = [valid.map((v) => v.row.callId)];
  const where = ['c.call_id = ANY($1::text[])'];
  legScopeSql(scope, params, where);
  const known = new Set(
    (
      await db.query<{ call_id: string }>(
        `SELECT c.call_id FROM calls c WHERE ${where.join(' AND ')}`,
        params,
      )
    ).map((r) => r.call_id),
  );
  const kept: SurveyRow[] = [];
  for (const { at, row } of valid) {
    if (known.has(row.callId)) kept.push(row);
    // Unknown and out-of-scope calls look the same, as on GET /calls/:id.
    else
      rejected.push({ ...at, code: 'UNKNOWN_CALL', message: `callId: no call ${row.callId} in your scope` });
  }
  rejected.sort((a, b) => (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
  if (kept.length === 0) return { inserted: 0, updated: 0, unchanged: 0, rejected };
  // Only for calls still there, their rows held until the import commits: a customer erasure
  // between the lookup above and the insert left the survey behind without its call (review).
  // KEY SHARE conflicts with a delete, not with ingest's or a summary's updates of the rows (FOR
  // SHARE deadlocked with a batch updating the same calls in another order: review); in call id
  // order, as the erasure takes them.
  const changed = await db.query<{ inserted: boolean }>(
    `INSERT INTO surveys (tenant, call_id, csat, nps, responded_at, source)
     SELECT c.tenant, c.call_id, csat, nps, "respondedAt", $2
     FROM jsonb_to_recordset($3::text::jsonb) AS x("callId" text, csat smallint, nps smallint, "respondedAt" timestamptz)
     JOIN calls c ON c.tenant = $1 AND c.call_id = x."callId"
     ORDER BY c.call_id
     FOR KEY SHARE OF c
     ON CONFLICT (tenant, call_id) DO UPDATE SET
       csat = coalesce(excluded.csat, surveys.csat), nps = coalesce(excluded.nps, surveys.nps),
       responded_at = coalesce(excluded.responded_at, surveys.responded_at), source = excluded.source,
       received_at = now()
     WHERE (coalesce(excluded.csat, surveys.csat), coalesce(excluded.nps, surveys.nps),
            coalesce(excluded.responded_at, surveys.responded_at))
       IS DISTINCT FROM (surveys.csat, surveys.nps, surveys.responded_at)
     RETURNING (xmax = 0) AS inserted`,
    [scope.tenant, source, jsonParam(kept)],
  );
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: kept.length - changed.length, rejected };
}
