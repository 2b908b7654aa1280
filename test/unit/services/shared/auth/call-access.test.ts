// The access rule of calls, one table of cases read both ways: in memory (canSeeCall / scopeAdmits,
// what the alert service's hub applies to live frames) and as SQL (scopeSql, what the call store's
// queries apply) on a real PGlite database with the call store's schema. Agents their own calls,
// supervisors their tenant or only their teams, QA reviewers and admins their tenant, an admin of
// '*' every tenant or the one it asks for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteBackend } from '../../../../../services/call-store/backend/backend-pglite.ts';
import type { SqlBackend } from '../../../../../services/call-store/backend/backend.ts';
import { migrate } from '../../../../../services/call-store/migrate.ts';
import {
  callScope,
  canSeeCall,
  scopeAdmits,
  scopeSql,
  type CallOwner,
  type Scope,
} from '../../../../../services/shared/auth/call-access.ts';
import type { Principal, Role } from '../../../../../services/shared/auth/roles.ts';

const CALLS: Record<string, CallOwner> = {
  'acme-7-billing': { tenant: 'acme', agentId: 'agent-7', team: 'billing' },
  'acme-8-sales': { tenant: 'acme', agentId: 'agent-8', team: 'sales' },
  // An imported call: no agent team, empty team (migration 003's default).
  'acme-none': { tenant: 'acme', agentId: '', team: '' },
  'globex-7-billing': { tenant: 'globex', agentId: 'agent-7', team: 'billing' },
};
const ALL = Object.keys(CALLS);
const ACME = ['acme-7-billing', 'acme-8-sales', 'acme-none'];

const who = (role: Role, tenant: string, agentId: string | null = null, teams: string[] = []): Principal => ({
  userId: `${role}@${tenant}`,
  role,
  tenant,
  agentId,
  teams,
});

interface Case {
  name: string;
  principal: Principal;
  requestedTenant?: string;
  /** The calls the principal sees; null = the requested tenant is refused. */
  sees: string[] | null;
}

const CASES: Case[] = [
  {
    name: 'an agent: their own calls, in their tenant',
    principal: who('agent', 'acme', 'agent-7'),
    sees: ['acme-7-billing'],
  },
  { name: 'another agent', principal: who('agent', 'acme', 'agent-8'), sees: ['acme-8-sales'] },
  {
    name: 'an agent of another tenant with the same id',
    principal: who('agent', 'globex', 'agent-7'),
    sees: ['globex-7-billing'],
  },
  { name: 'an agent without an agent id: nothing', principal: who('agent', 'acme', null), sees: [] },
  {
    name: 'an agent with an empty agent id: not the calls without agent',
    principal: who('agent', 'acme', ''),
    sees: [],
  },
  {
    name: 'an agent ignores teams',
    principal: who('agent', 'acme', 'agent-7', ['sales']),
    sees: ['acme-7-billing'],
  },
  { name: 'a supervisor without teams: the tenant', principal: who('supervisor', 'acme'), sees: ACME },
  {
    name: 'a supervisor of billing',
    principal: who('supervisor', 'acme', null, ['billing']),
    sees: ['acme-7-billing'],
  },
  {
    name: 'a supervisor of two teams',
    principal: who('supervisor', 'acme', null, ['billing', 'sales']),
    sees: ['acme-7-billing', 'acme-8-sales'],
  },
  {
    name: 'a supervisor of a team with no calls',
    principal: who('supervisor', 'acme', null, ['north']),
    sees: [],
  },
  {
    name: 'a QA reviewer: the tenant, teams ignored',
    principal: who('qa_reviewer', 'acme', null, ['billing']),
    sees: ACME,
  },
  { name: "a tenant's admin: the tenant", principal: who('admin', 'acme', null, ['billing']), sees: ACME },
  { name: "an admin of '*': every tenant", principal: who('admin', '*'), sees: ALL },
  {
    name: "an admin of '*' asking for one tenant",
    principal: who('admin', '*'),
    requestedTenant: 'globex',
    sees: ['globex-7-billing'],
  },
  { name: "a QA reviewer of '*' is no admin", principal: who('qa_reviewer', '*'), sees: [] },
  {
    name: 'asking for its own tenant',
    principal: who('supervisor', 'acme', null, ['sales']),
    requestedTenant: 'acme',
    sees: ['acme-8-sales'],
  },
  {
    name: 'asking for another tenant: refused',
    principal: who('supervisor', 'acme', null, ['billing']),
    requestedTenant: 'globex',
    sees: null,
  },
  {
    name: 'an agent asking for another tenant: refused',
    principal: who('agent', 'acme', 'agent-7'),
    requestedTenant: 'globex',
    sees: null,
  },
];

let db: SqlBackend;

beforeAll(async () => {
  db = await openPgliteBackend();
  await migrate(db);
  for (const [callId, call] of Object.entries(CALLS)) {
    await db.query(
      'INSERT INTO calls (call_id, tenant, agent_id, team, started_at) VALUES ($1, $2, $3, $4, now())',
      [callId, call.tenant, call.agentId, call.team],
    );
  }
}, 60_000);

afterAll(async () => {
  await db?.close();
});

async function seenBySql(scope: Scope): Promise<string[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  scopeSql(scope, params, where);
  const rows = await db.query<{ call_id: string }>(
    `SELECT c.call_id FROM calls c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.call_id`,
    params,
  );
  return rows.map((row) => row.call_id);
}

function seenInMemory(scope: Scope): string[] {
  return ALL.filter((callId) => scopeAdmits(scope, CALLS[callId])).sort();
}

describe('the access rule of calls, in memory and in SQL', () => {
  it.each(CASES)('$name', async ({ principal, requestedTenant, sees }) => {
    const scope = callScope(principal, requestedTenant);
    if (sees === null) {
      expect(scope).toBeNull();
      return;
    }
    expect(scope).not.toBeNull();
    const expected = [...sees].sort();
    expect(seenInMemory(scope!)).toEqual(expected);
    expect(await seenBySql(scope!)).toEqual(expected);
    // The hub's predicate is the same rule without a requested tenant.
    if (requestedTenant === undefined) {
      expect(ALL.filter((callId) => canSeeCall(principal, CALLS[callId])).sort()).toEqual(expected);
    }
  });

  it('admits a call it does not know only to an unrestricted scope', () => {
    expect(canSeeCall(who('admin', '*'), undefined)).toBe(true);
    expect(canSeeCall(who('admin', 'acme'), undefined)).toBe(false);
    expect(canSeeCall(who('supervisor', 'acme'), undefined)).toBe(false);
  });
});

describe('scopeSql', () => {
  function sql(scope: Scope) {
    const params: unknown[] = ['call-1'];
    const where = ['c.call_id = $1'];
    scopeSql(scope, params, where);
    return { params, where };
  }

  it('adds tenant, agent and team conditions with numbered parameters', () => {
    expect(sql({ tenant: 'acme', agentId: 'a-1', teams: ['north'] })).toEqual({
      params: ['call-1', 'acme', 'a-1', ['north']],
      where: ['c.call_id = $1', 'c.tenant = $2', 'c.agent_id = $3', 'c.team = ANY($4::text[])'],
    });
  });

  it('adds nothing for an unrestricted scope (null teams)', () => {
    expect(sql({ tenant: null, agentId: null, teams: null }).where).toEqual(['c.call_id = $1']);
    expect(sql({ tenant: 'acme', agentId: null, teams: null }).where).toEqual([
      'c.call_id = $1',
      'c.tenant = $2',
    ]);
  });

  it('uses the given alias', () => {
    const where: string[] = [];
    scopeSql({ tenant: null, agentId: null, teams: ['a'] }, [], where, 'x');
    expect(where).toEqual(['x.team = ANY($1::text[])']);
  });
});
