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
  const { firstLeg, otherLegs } = anyLegParts(alias, column, param);
  return `(${firstLeg} OR ${otherLegs})`;
}

/**
 * anyLegSql as two conditions that exclude each other: the first leg (the row's agent_id / team,
 * btree-indexed with started_at) and only another leg. An ordered, limited list reads each with
 * its own index and merges them (search.ts): with the OR, PostgreSQL lost the ordered scan of
 * calls_by_agent_time and walked the tenant's whole time index for an agent with few recent calls.
 */
export interface LegParts {
  firstLeg: string;
  otherLegs: string;
}

export function anyLegParts(alias: string, column: 'agent_id' | 'team', param: string): LegParts {
  return column === 'agent_id'
    ? {
        firstLeg: `${alias}.agent_id = ${param}`,
        otherLegs: `(${alias}.leg_agents @> ARRAY[${param}]::text[] AND ${alias}.agent_id <> ${param})`,
      }
    : {
        firstLeg: `${alias}.team = ANY(${param}::text[])`,
        otherLegs: `(${alias}.leg_teams && ${param}::text[] AND NOT ${alias}.team = ANY(${param}::text[]))`,
      };
}

/**
 * scopeSql over the calls table, an agent's and a team's condition met by any leg. `legs`, when
 * given, is told where in `where` each any-leg condition went, with its two parts.
 */
export function legScopeSql(
  scope: Scope,
  params: unknown[],
  where: string[],
  alias = 'c',
  legs?: (at: number, parts: LegParts) => void,
): void {
  scopeSql({ tenant: scope.tenant, agentId: null, teams: null }, params, where, alias);
  const push = (column: 'agent_id' | 'team') => {
    const param = `$${params.length}`;
    legs?.(where.length, anyLegParts(alias, column, param));
    where.push(anyLegSql(alias, column, param));
  };
  if (scope.agentId !== null) {
    params.push(scope.agentId);
    push('agent_id');
  }
  if (scope.teams !== null) {
    // An empty list matches no row, as the shared rule's.
    params.push(scope.teams);
    push('team');
  }
}
