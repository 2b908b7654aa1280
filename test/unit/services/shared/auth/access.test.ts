// Access rules: an agent sees only their own calls and agent-directed alerts; supervisors their
// team or tenant; admins their tenant, or everything with tenant '*'.
import { describe, expect, it } from 'vitest';
import { audienceIncludes, audienceOf } from '../../../../../services/shared/auth/alert-audience.ts';
import { canSeeCall } from '../../../../../services/shared/auth/call-access.ts';
import { mayAcknowledge, type Principal } from '../../../../../services/shared/auth/roles.ts';

const call = { tenant: 'acme', agentId: 'agent-7', team: 'billing' };
const agent = (agentId: string): Principal => ({
  userId: 'u',
  role: 'agent',
  tenant: 'acme',
  agentId,
  teams: [],
});
const supervisor = (teams: string[], tenant = 'acme'): Principal => ({
  userId: 's',
  role: 'supervisor',
  tenant,
  agentId: null,
  teams,
});

describe('access rules', () => {
  it('lets an agent see only their own calls', () => {
    expect(canSeeCall(agent('agent-7'), call)).toBe(true);
    expect(canSeeCall(agent('agent-8'), call)).toBe(false);
    expect(canSeeCall(agent(''), { ...call, agentId: '' })).toBe(false);
    expect(canSeeCall(agent('agent-7'), undefined)).toBe(false);
    expect(canSeeCall({ ...agent('agent-7'), tenant: 'other' }, call)).toBe(false);
  });

  it('lets a supervisor see their teams, or the whole tenant without teams', () => {
    expect(canSeeCall(supervisor(['billing']), call)).toBe(true);
    expect(canSeeCall(supervisor(['sales']), call)).toBe(false);
    expect(canSeeCall(supervisor([]), call)).toBe(true);
    expect(canSeeCall(supervisor([], 'other'), call)).toBe(false);
  });

  it('routes audiences by role', () => {
    expect(audienceIncludes(agent('a'), 'agent')).toBe(true);
    expect(audienceIncludes(agent('a'), 'supervisor')).toBe(false);
    expect(audienceIncludes(supervisor([]), 'agent')).toBe(false);
    expect(audienceIncludes(supervisor([]), 'both')).toBe(true);
    const admin: Principal = { userId: 'root', role: 'admin', tenant: '*', agentId: null, teams: [] };
    expect(canSeeCall(admin, undefined)).toBe(true);
  });

  it("reads a record's audience list the same way for the socket and the QA API", () => {
    expect(audienceOf(['agent', 'supervisor'])).toBe('both');
    expect(audienceOf(['agent'])).toBe('agent');
    expect(audienceOf(['supervisor'])).toBe('supervisor');
    expect(audienceOf([])).toBe('supervisor');
    expect(audienceOf(['someone-else'])).toBe('supervisor');
  });

  it('lets every role but the read-only QA reviewer acknowledge', () => {
    expect(mayAcknowledge(supervisor([]))).toBe(true);
    expect(mayAcknowledge(agent('a'))).toBe(false); // no button, and its own scorecard counts acks
    expect(mayAcknowledge({ role: 'qa_reviewer' })).toBe(false);
  });
});
