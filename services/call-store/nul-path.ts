// Where a value holds NUL (U+0000), which PostgreSQL text and jsonb cannot store: found before the
// database so one record or request is refused with its field named, not a batch failed with
// "invalid byte sequence" (a 500 for an API request). Walked with an explicit stack: a request
// body nested 30 000 deep overflowed the call stack of the recursive walk (a 500). Pure.

/** The path of the first string (key or value) holding NUL under `path`, or null. */
export function nulPath(value: unknown, path: string): string | null {
  const pending: { value: unknown; path: string }[] = [{ value, path }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      if (next.value.includes('\u0000')) return next.path;
    } else if (next.value && typeof next.value === 'object') {
      // Pushed last to first, so entries are visited in order (the first NUL is the one named).
      const entries = Object.entries(next.value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i];
        const innerPath = `${next.path}.${key}`;
        pending.push({ value: inner, path: innerPath }, { value: key, path: innerPath });
      }
    }
  }
  return null;
}
