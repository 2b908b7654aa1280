// Whether a DATABASE_URL asks for TLS: production refuses a PostgreSQL connection that would
// carry the call store's password and every stored call in clear, as it refuses plaintext Kafka,
// unless DATABASE_ALLOW_PLAINTEXT=true says the database is on a private network (or a Unix
// socket). `pg` reads `sslmode` (libpq's names) and `ssl` from the URL. Pure.

/** libpq's modes that encrypt whatever the server offers (prefer/allow may fall back to clear). */
const ENCRYPTING_MODES = new Set(['require', 'verify-ca', 'verify-full']);

/** The problem with `url` in production, or null when it asks for TLS (or need not). */
export function databaseTlsProblem(url: string | undefined, allowPlaintext: boolean): string | null {
  if (!url || allowPlaintext) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null; // the URL check of DATABASE_URL names this one
  }
  const sslmode = parsed.searchParams.get('sslmode')?.toLowerCase();
  const ssl = parsed.searchParams.get('ssl')?.toLowerCase();
  // A Unix socket directory as the host: no network to cross.
  const socket = (parsed.searchParams.get('host') ?? '').startsWith('/');
  if (socket || (sslmode !== undefined && ENCRYPTING_MODES.has(sslmode))) return null;
  if (sslmode === undefined && (ssl === 'true' || ssl === '1')) return null;
  return (
    'DATABASE_URL: production needs TLS to PostgreSQL (?sslmode=require, verify-ca or verify-full), ' +
    'or DATABASE_ALLOW_PLAINTEXT=true where the database is on a private network'
  );
}
