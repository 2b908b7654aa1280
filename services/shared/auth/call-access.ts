// Which calls a principal may see, written once. `callScope` turns a principal into a Scope
// (tenant, agent, teams); the Scope has two readings that must agree: `scopeAdmits` in memory
// (the alert service's hub filters every live frame through `canSeeCall`) and `scopeSql`, WHERE
// conditions over the call store's `calls` table. test/unit/services/shared/auth/call-access.test.ts runs
// one table of cases against both, the SQL on PGlite. Pure.
import type { Principal } from './roles.ts';

/** The fields of a call that decide who sees it (the call store's columns tenant, agent_id, team). */
export interface CallOwner {
  tenant: string;
  agentId: string;
  team: string;
}

export interface Scope {
  /** Calls of this tenant only; null = every tenant (an admin of tenant '*' only). */
  tenant: string | null;
  /** Calls of this agent only; null = any agent. */
  agentId: string | null;
  /**
   * Calls of these teams only ([] = no call at all); null = any team. Required, like the others:
   * no scope is open by omission.
   */
  teams: readonly string[] | null;
}

/**
 * Agents see their own calls (an agent without an agent id sees none); supervisors their tenant,
 * or only their teams' calls when their user lists teams; QA reviewers and admins their tenant; an
 * admin of tenant '*' every tenant, or the one it asks for. Null: the principal asked for a tenant
 * that is not theirs.
 */
export function callScope(p: Principal, requestedTenant?: string): Scope | null {
  if (p.role === 'admin' && p.tenant === '*') {
    return { tenant: requestedTenant ?? null, agentId: null, teams: null };
  }
  if (requestedTenant !== undefined && requestedTenant !== p.tenant) return null;
  if (p.role === 'agent') {
    return p.agentId
      ? { tenant: p.tenant, agentId: p.agentId, teams: null }
      : { tenant: p.tenant, agentId: null, teams: [] };
  }
  const teams = p.role === 'supervisor' && p.teams.length > 0 ? p.teams : null;
  return { tenant: p.tenant, agentId: null, teams };
}

/** The in-memory reading of a scope; an unknown call (undefined) only for an unrestricted scope. */
export function scopeAdmits(scope: Scope, call: CallOwner | undefined): boolean {
  if (!call) return scope.tenant === null && scope.agentId === null && scope.teams === null;
  return (
    (scope.tenant === null || call.tenant === scope.tenant) &&
    (scope.agentId === null || call.agentId === scope.agentId) &&
    (scope.teams === null || scope.teams.includes(call.team))
  );
}

/** The server-side rule of live frames: an agent only ever sees calls whose agent id is theirs. */
export function canSeeCall(p: Principal, call: CallOwner | undefined): boolean {
  // Without a requested tenant callScope never refuses.
  return scopeAdmits(callScope(p) as Scope, call);
}

/**
 * The SQL reading of a scope: appends its conditions to `where`, pushing parameters; `alias` is
 * the calls table's alias.
 */
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
    // pg and PGlite both serialise a JS string array as a quoted text[] literal; an empty array
    // matches no row, as includes() admits no call.
    params.push(scope.teams);
    where.push(`${alias}.team = ANY($${params.length}::text[])`);
  }
}
