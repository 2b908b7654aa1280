// The call store's PostgreSQL password rotated under it: with DATABASE_URL_FILE, a connection
// opened after the file changed uses the new password, and the connections already open go on.
// Before, every new connection kept the start's password and was refused (28P01) once the old one
// was revoked, until a restart. Real PostgreSQL, with password (SCRAM) authentication switched on
// for the test's own role in the server's pg_hba.conf (the local test cluster trusts everyone).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from './pg-admin.ts';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { openPostgresBackend } from '../../../services/call-store/backend/backend-pg.ts';
import type { PasswordFileProblem } from '../../../services/call-store/backend/rotating-password.ts';

const id = randomUUID().slice(0, 8);
const role = `va_rot_${id}`;
const database = `va_rot_db_${id}`;
let server: FoundPostgres;
let hbaFile: string;
let hbaBefore: string;
let dir: string;
let urlFile: string;

const admin = <T>(sql: string, params: unknown[] = []) => adminQuery<T>(server.url, sql, params);

/** Replaces the server's pg_hba.conf (a superuser writes it through COPY) and reloads it. */
async function writeHba(content: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const lines = client.escapeLiteral(content);
    await client.query(
      `COPY (SELECT unnest(string_to_array(${lines}, E'\\n'))) TO ${client.escapeLiteral(hbaFile)}`,
    );
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

function urlWith(password: string, db = database): string {
  const u = new URL(server.url);
  u.username = role;
  u.password = password;
  u.pathname = `/${db}`;
  return u.toString();
}

/** Ends the role's sessions, as a server restart or the pool's idle timeout would. */
const endSessions = () =>
  admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);

/** A query on a fresh connection: the pool may first hand out the one just ended. */
async function currentUser(backend: Awaited<ReturnType<typeof openPostgresBackend>>): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const [row] = await backend.query<{ who: string }>('SELECT current_user AS who');
      return row.who;
    } catch (error) {
      if (attempt >= 2 || (error as { code?: string }).code === '28P01') throw error;
    }
  }
}

beforeAll(async () => {
  server = await findPostgres();
  [{ setting: hbaFile }] = await admin<{ setting: string }>(
    "SELECT setting FROM pg_settings WHERE name = 'hba_file'",
  );
  [{ content: hbaBefore }] = await admin<{ content: string }>('SELECT pg_read_file($1) AS content', [
    hbaFile,
  ]);
  await admin(`CREATE ROLE ${role} LOGIN PASSWORD 'first-password'`);
  await admin(`CREATE DATABASE ${database} OWNER ${role}`);
  // First match wins: the role must give a password; everyone else keeps the file's own rules.
  await writeHba(
    `host all ${role} 127.0.0.1/32 scram-sha-256\nhost all ${role} ::1/128 scram-sha-256\n${hbaBefore}`,
  );
  dir = mkdtempSync(join(tmpdir(), 'va-dburl-'));
  urlFile = join(dir, 'database-url');
  writeFileSync(urlFile, urlWith('first-password'));
});
afterAll(async () => {
  if (hbaBefore !== undefined) await writeHba(hbaBefore).catch(() => undefined);
  await endSessions().catch(() => undefined);
  await admin(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await admin(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

describe('call store on PostgreSQL: the database password rotated in DATABASE_URL_FILE', () => {
  it('refuses a wrong password (the test really checks passwords)', async () => {
    const wrong = new pg.Client({ connectionString: urlWith('not-the-password') });
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('keeps open connections, opens new ones with the new password, and ignores a file naming another database', async () => {
    const reported: PasswordFileProblem[] = [];
    const backend = await openPostgresBackend(urlWith('first-password'), {
      poolSize: 1,
      passwordFile: { path: urlFile, report: (problem) => reported.push(problem) },
    });
    // The same start without the file: it keeps the start's password for good.
    const fixed = await openPostgresBackend(urlWith('first-password'), { poolSize: 1 });
    try {
      expect(await currentUser(backend)).toBe(role);
      await admin(`ALTER ROLE ${role} PASSWORD 'second-password'`);
      // PostgreSQL checks a password when a session opens: the open connection goes on.
      expect(await currentUser(backend)).toBe(role);
      writeFileSync(urlFile, urlWith('second-password'));
      await endSessions();
      expect(await currentUser(backend)).toBe(role);
      await expect(currentUser(fixed)).rejects.toMatchObject({ code: '28P01' });

      // Another database in the file is another server's: not applied, reported, old password kept.
      writeFileSync(urlFile, urlWith('third-password', 'postgres'));
      await endSessions();
      expect(await currentUser(backend)).toBe(role);
      expect(reported).toEqual(['DATABASE_URL_FILE_OTHER_SERVER']);
    } finally {
      await backend.close();
      await fixed.close();
    }
  });
});
