// Who may see which calls, as the query layer understands it: a tenant (null = every tenant, admin
// only) and optionally one agent (agents read their own calls only). Pure.
export interface Scope {
  tenant: string | null;
  agentId: string | null;
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
}
