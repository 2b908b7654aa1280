// Fixtures of the transfer tests (a call handed to another agent or team): principals, an alert
// of call `c` fired to agent-1 of team billing, and start records of call `c`. Pure.
import type { AlertView } from '../../../../services/alert-service/protocol.ts';
import type { Principal } from '../../../../services/shared/auth/roles.ts';

export const agent = (agentId: string): Principal => ({
  userId: agentId,
  role: 'agent',
  tenant: 'demo',
  agentId,
  teams: [],
});
export const sup = (teams: string[] = []): Principal => ({
  userId: 's',
  role: 'supervisor',
  tenant: 'demo',
  agentId: null,
  teams,
});
export const alert = (alertId: string, audience: string, audioMs = 1000): AlertView => ({
  seq: 0,
  alertId,
  callId: 'c',
  ruleId: 'r',
  ruleName: 'r',
  kind: 'fired',
  subject: 'agent',
  severity: 'info',
  audience,
  message: 'm',
  cue: 'Slow down',
  evidence: [],
  audioMs,
  firedAtMs: 1,
  tenant: 'demo',
  agentId: 'agent-1',
  team: 'billing',
  queue: 'q',
  acknowledgedBy: null,
  acknowledgedAtMs: null,
});
export const start = (agentId: string, team: string, startedAtMs = 0) => ({
  callId: 'c',
  tenant: 'demo',
  agentId,
  team,
  queue: 'q',
  startedAtMs,
});
