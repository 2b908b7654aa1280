import { describe, expect, it } from 'vitest';
import { openBackend } from '../../../services/call-store/backend/backend.ts';
import { listMigrations, migrate } from '../../../services/call-store/migrate.ts';

const before = (version: number) => listMigrations().filter((m) => m.version < version);
const file = (v: number) => listMigrations().find((m) => m.version === v)!;

/** A store migrated while 013_customer_ref_links and 013_live_and_duration_indexes both existed. */
async function twin013() {
  const backend = await openBackend({});
  await migrate(backend, before(13));
  await migrate(backend, [{ ...file(14), version: 13 }]);
  return backend;
}

describe('a database that records a version under another name', () => {
  it('is repaired by moving the row to the version its file has now (README)', async () => {
    const backend = await twin013();
    try {
      await backend.query(
        `UPDATE schema_migrations SET version = 14 WHERE version = 13 AND name = 'customer_ref_links'`,
      );
      expect(await migrate(backend)).toEqual([13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
      const idx = await backend.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'calls_live'`,
      );
      expect(idx[0].n).toBe(1);
    } finally {
      await backend.close();
    }
  });

  // Versions far past the shipped ones: 017 is shipped now, and the next numbers are taken by work
  // in parallel (with a row of a shipped version the insert itself failed, not the start).
  it('a newer release (rows for 098, 099) is still SCHEMA_TOO_NEW', async () => {
    const backend = await openBackend({});
    try {
      await migrate(backend);
      await backend.query(`INSERT INTO schema_migrations (version, name) VALUES (98, 'x'), (99, 'y')`);
      await expect(migrate(backend)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    } finally {
      await backend.close();
    }
  });

  it('a newer release that renumbered a file this one has: SCHEMA_TOO_NEW, not a repair hint', async () => {
    const backend = await openBackend({});
    try {
      await migrate(backend);
      await backend.query(`UPDATE schema_migrations SET name = 'renamed_later' WHERE version = 15`);
      await backend.query(`INSERT INTO schema_migrations (version, name) VALUES (98, 'x')`);
      await expect(migrate(backend)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    } finally {
      await backend.close();
    }
  });
});
