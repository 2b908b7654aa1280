// Where a value holds NUL (U+0000), which PostgreSQL text and jsonb cannot store: found before the
// database so one record or request is refused with its field named, not a batch failed with
// "invalid byte sequence" (a 500 for an API request). Pure.

/** The path of the first string (key or value) holding NUL under `path`, or null. */
export function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nulPath(key, `${path}.${key}`) ?? nulPath(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
