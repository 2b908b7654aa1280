// Who may see which calls, as the query layer understands it: a tenant (null = every tenant, admin
// only), optionally one agent (agents read their own calls only) and optionally a set of teams
// (supervisors whose user lists teams, as in the alert service). Pure.
export interface Scope {
  tenant: string | null;
  agentId: string | null;
  /** Calls of these teams only; null = no team restriction (required: no scope is open by omission). */
  teams: string[] | null;
}

/** Appends the scope's conditions to `where`, pushing parameters; `alias` is the calls table alias. */
export function scopeSql(scope: Scope, params: unknown[], where: string[], alias = 'c'): void {
  if (scope.tenant !== null) {
    params.push(scope.tenant);
    where.push(`${alias}.tenant = $${params.length}`);
  }
  if (scope.agentId !== null) {
    params.push(scope.agentId);
    where.push(`${alias}.agent_id = $${params.length}`);
  }
  if (scope.teams !== null) {
    // pg and PGlite both serialise a JS string array as a quoted text[] literal.
    params.push(scope.teams);
    where.push(`${alias}.team = ANY($${params.length}::text[])`);
  }
}
