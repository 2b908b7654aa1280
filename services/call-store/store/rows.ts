// Small helpers shared by the store's SQL modules: JSON recordset parameters, timestamps, numbers.
// Pure.

/**
 * Batches travel as ONE jsonb parameter expanded by jsonb_to_recordset: the same SQL on pg and
 * PGlite, one round trip per table per batch. `::text::jsonb` keeps both drivers from re-encoding.
 */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    typeof inner === 'number' && !Number.isFinite(inner) ? null : inner,
  );
}

/** pg returns timestamptz as Date; PGlite too; text when cast. Always give ISO strings out. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Rounds floats read back from `real` columns so JSON does not show float32 noise. */
export function round(value: unknown, digits = 4): number | null {
  const n = num(value);
  if (n === null) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
