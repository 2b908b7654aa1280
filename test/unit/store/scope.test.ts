// Scope rules of the QA API (http/auth.ts scopeOf) and their SQL (store/scope.ts scopeSql): agents
// their own calls, supervisors their tenant or only their teams, QA reviewers their tenant. Pure.
import { describe, expect, it } from 'vitest';
import { scopeOf, type QaPrincipal } from '../../../services/call-store/http/auth.ts';
import { scopeSql, type Scope } from '../../../services/call-store/store/scope.ts';

const base = { userId: 'u', tenant: 'acme', agentId: null };
const supervisor: QaPrincipal = { ...base, role: 'supervisor' };

function sql(scope: Scope) {
  const params: unknown[] = ['call-1'];
  const where = ['c.call_id = $1'];
  scopeSql(scope, params, where);
  return { params, where };
}

describe('scopeOf', () => {
  it('limits a supervisor whose user lists teams to those teams', () => {
    expect(scopeOf({ ...supervisor, teams: ['north', 'south'] })).toEqual({
      tenant: 'acme',
      agentId: null,
      teams: ['north', 'south'],
    });
  });

  it('gives a supervisor without teams the whole tenant', () => {
    expect(scopeOf(supervisor).teams).toBeNull();
    expect(scopeOf({ ...supervisor, teams: [] })).toEqual({ tenant: 'acme', agentId: null, teams: null });
  });

  it('ignores teams for agents, QA reviewers and admins', () => {
    const teams = ['north'];
    expect(scopeOf({ ...base, role: 'agent', agentId: 'a-1', teams })).toEqual({
      tenant: 'acme',
      agentId: 'a-1',
      teams: null,
    });
    expect(scopeOf({ ...base, role: 'qa_reviewer', teams }).teams).toBeNull();
    expect(scopeOf({ ...base, role: 'admin', teams }).teams).toBeNull();
    expect(scopeOf({ ...base, role: 'admin', tenant: '*', teams }, 'acme')).toEqual({
      tenant: 'acme',
      agentId: null,
      teams: null,
    });
  });

  it('still refuses another tenant to a team supervisor', () => {
    expect(() => scopeOf({ ...supervisor, teams: ['north'] }, 'globex')).toThrow(/globex/);
  });
});

describe('scopeSql', () => {
  it('adds tenant, agent and team conditions with numbered parameters', () => {
    expect(sql({ tenant: 'acme', agentId: 'a-1', teams: ['north'] })).toEqual({
      params: ['call-1', 'acme', 'a-1', ['north']],
      where: ['c.call_id = $1', 'c.tenant = $2', 'c.agent_id = $3', 'c.team = ANY($4::text[])'],
    });
  });

  it('adds nothing for an unrestricted scope (null or absent teams)', () => {
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
