// Whether a DATABASE_URL asks for TLS: production refuses a PostgreSQL connection that would
// carry the call store's password and every stored call in clear, as it refuses plaintext Kafka,
// unless DATABASE_ALLOW_PLAINTEXT=true says the database is on a private network (or a Unix
// socket). `pg` reads `sslmode` (libpq's names) and `ssl` from the URL. Pure.

/**
 * Modes that encrypt or fail (libpq's require, verify-ca, verify-full; pg's no-verify encrypts
 * without checking the certificate); prefer and allow may fall back to clear.
 */
const ENCRYPTING_MODES = new Set(['require', 'verify-ca', 'verify-full', 'no-verify']);

/** The problem with `url` in production, or null when it asks for TLS (or need not). */
export function databaseTlsProblem(
  url: string | undefined,
  allowPlaintext: boolean,
  pgSslMode?: string,
): string | null {
  if (!url || allowPlaintext) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null; // the URL check of DATABASE_URL names this one
  }
  // pg (pg-connection-string) takes the last of a repeated parameter; so does this check.
  const last = (name: string) => parsed.searchParams.getAll(name).at(-1)?.toLowerCase();
  // Without either in the URL, pg reads PGSSLMODE from the environment.
  const inUrl = last('sslmode') !== undefined || last('ssl') !== undefined;
  // pg compares PGSSLMODE as written (REQUIRE is not require: it connects in clear).
  const sslmode = last('sslmode') ?? (inUrl ? undefined : pgSslMode);
  const ssl = last('ssl');
  // A Unix socket directory as the host: no network to cross. pg takes the last ?host= over the
  // authority (where a socket directory may be percent-encoded).
  const hostParam = parsed.searchParams.getAll('host').at(-1);
  const socket = (hostParam ?? safeDecode(parsed.hostname)).startsWith('/');
  if (socket || (sslmode !== undefined && ENCRYPTING_MODES.has(sslmode))) return null;
  if (sslmode === undefined && (ssl === 'true' || ssl === '1')) return null;
  return (
    'DATABASE_URL: production needs TLS to PostgreSQL (?sslmode=require, verify-ca or verify-full), ' +
    'or DATABASE_ALLOW_PLAINTEXT=true where the database is on a private network'
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
