// Who may read a call with legs: the shared rule (services/shared/auth/call-access.ts) read over
// every leg of the call. An agent reads a call on which they had any leg; a supervisor whose user
// lists teams reads a call any leg's team had. The tenant condition is the shared rule's own,
// unchanged. A call stored before migration 019 has no leg rows: its calls row is its one leg (and
// calls.agent_id / team are always the first leg's). Pure (SQL text).
import { scopeSql, type Scope } from '../../shared/auth/call-access.ts';

/**
 * The call's first leg (its row) or any other leg (leg_agents / leg_teams, set on calls of several
 * legs) is the agent `param` (a text parameter), or one of the teams `param` (a text[] one): two
 * index searches (migration 019), not a probe of call_legs per call of the tenant.
 */
export function anyLegSql(alias: string, column: 'agent_id' | 'team', param: string): string {
  return column === 'agent_id'
    ? `(${alias}.agent_id = ${param} OR ${alias}.leg_agents @> ARRAY[${param}]::text[])`
    : `(${alias}.team = ANY(${param}::text[]) OR ${alias}.leg_teams && ${param}::text[])`;
}

/** scopeSql over the calls table, an agent's and a team's condition met by any leg. */
export function legScopeSql(scope: Scope, params: unknown[], where: string[], alias = 'c'): void {
  scopeSql({ tenant: scope.tenant, agentId: null, teams: null }, params, where, alias);
  if (scope.agentId !== null) {
    params.push(scope.agentId);
    where.push(anyLegSql(alias, 'agent_id', `$${params.length}`));
  }
  if (scope.teams !== null) {
    // An empty list matches no row, as the shared rule's.
    params.push(scope.teams);
    where.push(anyLegSql(alias, 'team', `$${params.length}`));
  }
}
