// DATABASE_URL_FILE read again at each new connection: the file's password is taken, anything that
// names another server is not (the previous password is kept), and each problem is reported once
// until the file changes. Real files in a temp folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  passwordFromFile,
  type PasswordFileProblem,
} from '../../../../../services/call-store/backend/rotating-password.ts';

const START = 'postgres://store:first%40pw@db.internal:5432/calls?sslmode=verify-full';
let dir: string;
let file: string;
let reported: PasswordFileProblem[];
let password: () => string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'va-pw-'));
  file = join(dir, 'database-url');
  writeFileSync(file, `${START}\n`);
  reported = [];
  password = passwordFromFile(file, START, (problem) => reported.push(problem));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('passwordFromFile', () => {
  it("takes the file's password at each call, decoded", () => {
    expect(password()).toBe('first@pw');
    writeFileSync(file, START.replace('first%40pw', 'second%2Fpw'));
    expect(password()).toBe('second/pw');
    expect(reported).toEqual([]);
  });

  it('keeps the previous password when the file names another host, user or database, and says so once', () => {
    writeFileSync(file, START.replace('first%40pw', 'second').replace('/calls', '/other'));
    expect(password()).toBe('first@pw');
    expect(password()).toBe('first@pw');
    writeFileSync(file, START.replace('store:', 'admin:'));
    expect(password()).toBe('first@pw');
    writeFileSync(file, START.replace('db.internal', 'db2.internal'));
    expect(password()).toBe('first@pw');
    expect(reported).toEqual([
      'DATABASE_URL_FILE_OTHER_SERVER',
      'DATABASE_URL_FILE_OTHER_SERVER',
      'DATABASE_URL_FILE_OTHER_SERVER',
    ]);
  });

  it('keeps the previous password when the file is gone or holds no postgres URL', () => {
    writeFileSync(file, START.replace('first%40pw', 'second'));
    expect(password()).toBe('second');
    rmSync(file);
    expect(password()).toBe('second');
    writeFileSync(file, 'not a url');
    expect(password()).toBe('second');
    writeFileSync(file, 'mysql://store:third@db.internal:5432/calls');
    expect(password()).toBe('second');
    expect(reported).toEqual([
      'DATABASE_URL_FILE_UNREADABLE',
      'DATABASE_URL_FILE_NOT_A_URL',
      'DATABASE_URL_FILE_NOT_A_URL',
    ]);
    // Fixed: taken again, and a later problem is reported again.
    writeFileSync(file, START.replace('first%40pw', 'fourth'));
    expect(password()).toBe('fourth');
    rmSync(file);
    password();
    expect(reported.at(-1)).toBe('DATABASE_URL_FILE_UNREADABLE');
    expect(reported).toHaveLength(4);
  });
});

describe('passwordFromFile, a Unix-socket URL (pg form: empty host, ?host=/path)', () => {
  // Cloud SQL's and libpq's socket form: pg connects with it; WHATWG URL refuses it.
  const SOCKET = 'postgres://store:first@/calls?host=/cloudsql/proj:region:db';
  it('opens with it and takes the rotated password', () => {
    writeFileSync(file, SOCKET);
    const fromSocket = passwordFromFile(file, SOCKET, (problem) => reported.push(problem));
    expect(fromSocket()).toBe('first');
    writeFileSync(file, SOCKET.replace(':first@', ':second@'));
    expect(fromSocket()).toBe('second');
    writeFileSync(
      file,
      SOCKET.replace('/cloudsql/proj:region:db', '/cloudsql/proj:region:other').replace(':first@', ':third@'),
    );
    expect(fromSocket()).toBe('second');
    expect(reported).toEqual(['DATABASE_URL_FILE_OTHER_SERVER']);
  });
});
