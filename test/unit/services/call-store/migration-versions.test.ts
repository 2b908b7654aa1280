// Migration files are applied by version, once: two files of one version (two branches each adding
// "the next" migration, as on 2026-12-07) would apply the first and skip the second for good.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations } from '../../../../services/call-store/migrate.ts';

const dirs: string[] = [];
function folderWith(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-migrations-'));
  dirs.push(dir);
  for (const file of files) writeFileSync(join(dir, file), 'SELECT 1;\n');
  return dir;
}

describe('listMigrations', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses two files of one version, naming both', () => {
    const dir = folderWith(['001_init.sql', '002_links.sql', '002_indexes.sql']);
    expect(() => listMigrations(dir)).toThrow(
      expect.objectContaining({
        code: 'MIGRATION_VERSION_TAKEN',
        message: expect.stringMatching(/indexes and links share version 2/),
      }),
    );
  });

  it('lists the shipped migrations in order, each version once', () => {
    const versions = listMigrations().map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });
});
