// The PostgreSQL password of each new connection, read again from DATABASE_URL_FILE when the
// connection opens: a password rotated in the mounted file (a Kubernetes Secret updated in place,
// a Vault database role, a managed database's rotation) takes effect without a restart. PostgreSQL
// checks a password only when a session opens, so the pool's open connections go on; before this,
// the store kept connecting with the password of its start and every new connection was refused
// (28P01) once the old password was revoked. Only the password is taken from the file: another
// host, port, user or database is a different server and needs a restart (reported, not applied).
// The URL is read as pg reads it (pg-connection-string), so a Unix socket URL
// (postgres://user:pw@/db?host=/cloudsql/...) works as it does without the file. I/O: reads the file.
import { readFileSync } from 'node:fs';
import { parse } from 'pg-connection-string';

/** Why the file's password was not taken (the connection then uses the last one that was). */
export type PasswordFileProblem =
  'DATABASE_URL_FILE_UNREADABLE' | 'DATABASE_URL_FILE_NOT_A_URL' | 'DATABASE_URL_FILE_OTHER_SERVER';

/**
 * Host, port, user, database and password of a postgres:// URL as pg reads it (pg-connection-string:
 * a Unix socket's `postgres://user:pw@/db?host=/cloudsql/...`, which WHATWG URL refuses, included).
 */
function parsed(text: string): { server: string; password: string } {
  const config = parse(text);
  return {
    server: JSON.stringify([config.host ?? '', config.port ?? '', config.user ?? '', config.database ?? '']),
    password: config.password ?? '',
  };
}

/**
 * A password source for pg's `password` option. `report` hears each problem once until the file
 * changes again (its content, never quoted: it holds the password).
 */
export function passwordFromFile(
  file: string,
  startUrl: string,
  report: (problem: PasswordFileProblem) => void,
): () => string {
  const start = parsed(startUrl);
  let password = start.password;
  let lastReported: string | null = null;
  const problem = (code: PasswordFileProblem, content: string) => {
    if (lastReported === `${code}:${content}`) return;
    lastReported = `${code}:${content}`;
    report(code);
  };
  return () => {
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch {
      problem('DATABASE_URL_FILE_UNREADABLE', '');
      return password;
    }
    let url: ReturnType<typeof parsed>;
    try {
      if (!/^postgres(ql)?:\/\//.test(content)) throw new TypeError('not postgres');
      url = parsed(content);
    } catch {
      problem('DATABASE_URL_FILE_NOT_A_URL', content);
      return password;
    }
    if (url.server !== start.server) {
      problem('DATABASE_URL_FILE_OTHER_SERVER', content);
      return password;
    }
    lastReported = null;
    password = url.password;
    return password;
  };
}
