// What a call's metadata (CallStart → CallEvent on va.calls.v1 → the store's `calls` row) may hold:
// one set of limits shared by the ingest gateway, which refuses anything else with
// INVALID_ARGUMENT, and the call store, whose schema keeps exactly this. Pure.

/** Lengths in UTF-16 code units, as zod and String.length count them. */
export const CALL_METADATA_LIMITS = {
  agentId: { min: 1, max: 200 },
  queue: { min: 0, max: 200 },
  /** Supervisors are scoped by team names of at most 64 characters. */
  team: { min: 0, max: 64 },
  customerRef: { min: 0, max: 200 },
} as const;

export type CallMetadataField = keyof typeof CALL_METADATA_LIMITS;

/**
 * PostgreSQL text cannot hold NUL (a record with one failed the store's whole batch); the other
 * C0 controls and DEL have no place in an id or a name and only corrupt logs and pages.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, Unicode TR #36 §2.1): in a
 * shown agent id or queue they make it read as another ("agent-1\u202e7"). Refused in call
 * metadata only: search text and reasons may carry isolates from right-to-left text.
 */
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

// canonicalName (NFC, without bidirectional marks and invisible characters) is shared with the
// alert rules' queue names, so it lives with the pure stages.
export { canonicalName } from '../../pipelines/canonical-name.ts';

/** Why `value` cannot be kept as the call's `field`, or null when it can. */
export function callMetadataProblem(field: CallMetadataField, value: string): string | null {
  const { min, max } = CALL_METADATA_LIMITS[field];
  if (value.length < min) return `${field} must not be empty`;
  if (value.length > max) return `${field} is longer than ${max} characters`;
  if (CONTROL_CHARACTER.test(value) || BIDI_CONTROL.test(value))
    return `${field} contains a control character`;
  return null;
}
