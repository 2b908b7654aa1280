// A store as an older release left it: the migrations before `version`, rows written in that
// schema, then the rest of the migrations (their versions returned for the test to check).
import { openBackend, type SqlBackend } from '../../../services/call-store/backend/backend.ts';
import { listMigrations, migrate } from '../../../services/call-store/migrate.ts';

export async function upgradeFrom(
  version: number,
  oldRows: readonly string[],
): Promise<{ backend: SqlBackend; applied: number[] }> {
  const backend = await openBackend({});
  await migrate(
    backend,
    listMigrations().filter((m) => m.version < version),
  );
  for (const sql of oldRows) await backend.query(sql);
  return { backend, applied: await migrate(backend) };
}
