// Who may read a call with legs: the shared rule (services/shared/auth/call-access.ts) read over
// every leg of the call. An agent reads a call on which they had any leg; a supervisor whose user
// lists teams reads a call any leg's team had. The tenant condition is the shared rule's own,
// unchanged. A call stored before migration 019 has no leg rows: its calls row is its one leg (and
// calls.agent_id / team are always the first leg's). Pure (SQL text).
import { scopeSql, type Scope } from '../../shared/auth/call-access.ts';

/** `column test` holds for the call row (its first leg) or for any of its leg rows. */
export function anyLegSql(alias: string, column: 'agent_id' | 'team', test: string): string {
  return `(${alias}.${column} ${test} OR EXISTS (SELECT 1 FROM call_legs l
    WHERE l.tenant = ${alias}.tenant AND l.call_id = ${alias}.call_id AND l.${column} ${test}))`;
}

/** scopeSql over the calls table, an agent's and a team's condition met by any leg. */
export function legScopeSql(scope: Scope, params: unknown[], where: string[], alias = 'c'): void {
  scopeSql({ tenant: scope.tenant, agentId: null, teams: null }, params, where, alias);
  if (scope.agentId !== null) {
    params.push(scope.agentId);
    where.push(anyLegSql(alias, 'agent_id', `= $${params.length}`));
  }
  if (scope.teams !== null) {
    // An empty list matches no row, as the shared rule's.
    params.push(scope.teams);
    where.push(anyLegSql(alias, 'team', `= ANY($${params.length}::text[])`));
  }
}
