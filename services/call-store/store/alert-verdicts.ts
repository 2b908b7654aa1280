// A QA reviewer's verdict on one alert of a call: was the warning right, wrong (a false alarm) or
// is the reviewer unsure, with an optional short reason: its body's validation and reading a
// call's verdicts (GET /calls/{id}). One verdict per alert, the latest write wins (README, "Alert
// verdicts"); the reason is free text, personal data like review notes. I/O: database.
import { z } from 'zod';
import type { SqlExecutor } from '../backend/backend.ts';
import { BIDI_CONTROL, CONTROL_CHARACTER } from '../../shared/call-metadata.ts';
import { iso } from './rows.ts';

export const VERDICTS = ['right', 'wrong', 'unsure'] as const;
export type VerdictValue = (typeof VERDICTS)[number];

/** A reason is a line, not notes: the page's table shows it beside the alert (migration 024's CHECK). */
export const MAX_REASON_CHARS = 500;

/**
 * What breaks a line besides the C0 controls (Unicode line breaking, UAX #14, class BK): the C1
 * controls (NEL, U+0085, among them) and the line and paragraph separators. They passed the check
 * and drew a second line under the verdict ("…\u2028Judged right by qa-lead, …"), one that reads
 * as the page's own (pen-test pen31).
 */
const LINE_BREAKING = /[\u0080-\u009f\u2028\u2029]/;

export const verdictBodySchema = z
  .object({
    verdict: z.enum(VERDICTS),
    reason: z
      .string()
      .trim()
      .max(MAX_REASON_CHARS)
      // One line of text: a newline or a bidirectional override would reorder what the table shows.
      .refine((v) => !CONTROL_CHARACTER.test(v) && !LINE_BREAKING.test(v) && !BIDI_CONTROL.test(v), {
        error: 'must not contain control characters',
      })
      .nullable()
      .default(null)
      .transform((v) => (v === '' ? null : v)),
  })
  .strict();

export interface AlertVerdict {
  verdict: VerdictValue;
  reason: string | null;
  reviewer: string;
  judgedAt: string;
}

export function verdictItem(r: Record<string, unknown>): AlertVerdict {
  return {
    verdict: String(r.verdict) as VerdictValue,
    reason: (r.reason ?? null) as string | null,
    reviewer: String(r.reviewer),
    judgedAt: iso(r.judged_at) as string,
  };
}

/** The call's verdicts by alert id. */
export async function listVerdicts(
  db: SqlExecutor,
  tenant: string,
  callId: string,
): Promise<Map<string, AlertVerdict>> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT alert_id, verdict, reason, reviewer, judged_at FROM alert_verdicts
     WHERE tenant = $1 AND call_id = $2`,
    [tenant, callId],
  );
  return new Map(rows.map((r) => [String(r.alert_id), verdictItem(r)]));
}
