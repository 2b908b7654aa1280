// One line for anything a driver throws or rejects with: PGlite rejects with plain objects
// (ErrnoError { errno: 20 }) that printed "[object Object]". Pure.

/** The error's message, else its code, else its errno, else its JSON, else its text. */
export function errorText(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  const cause = (error ?? {}) as { message?: unknown; code?: unknown; errno?: unknown };
  if (typeof cause.message === 'string' && cause.message) return cause.message;
  if (typeof cause.code === 'string' && cause.code) return cause.code;
  if (typeof cause.errno === 'number') return `errno ${cause.errno}`;
  if (error && typeof error === 'object') {
    try {
      return JSON.stringify(error);
    } catch {
      // circular: its text below
    }
  }
  return String(error);
}
