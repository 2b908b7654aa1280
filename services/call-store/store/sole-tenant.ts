// The one tenant whose calls a query matches. Ids of agents, customers and calls are each
// tenant's own, so an admin of every tenant whose query matches two tenants' rows is asked to name
// the tenant rather than shown a mix of them. I/O: database.
import type { SqlExecutor } from '../backend/backend.ts';
import type { Scope } from '../../shared/auth/call-access.ts';

/**
 * The scope's tenant; over every tenant, the tenant of the calls matching `where` (over the calls
 * table `c`), or null when none match, and `ambiguous` (which throws the caller's typed error)
 * when calls of several tenants match.
 */
export async function soleTenant(
  db: SqlExecutor,
  scope: Scope,
  where: readonly string[],
  params: readonly unknown[],
  ambiguous: () => never,
): Promise<string | null> {
  if (scope.tenant !== null) return scope.tenant;
  const rows = await db.query<{ tenant: string }>(
    `SELECT DISTINCT c.tenant FROM calls c WHERE ${where.join(' AND ')} LIMIT 2`,
    params as unknown[],
  );
  if (rows.length > 1) ambiguous();
  return rows.length === 0 ? null : String(rows[0].tenant);
}
