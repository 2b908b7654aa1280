// Who may see what: a signed-in user's role, tenant and teams against a call's owner, and an
// alert's audience against the role. The WebSocket hub filters every frame through these, and the
// call store's QA API applies the same audience rule to alerts and reviewers' notes. Pure.
import type { Audience } from './types.ts';

/** qa_reviewer reads its tenant's calls (post-call QA in the call store; read-only on the wallboard). */
export const ROLES = ['agent', 'supervisor', 'admin', 'qa_reviewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: string;
  role: Role;
  /** '*' lets an admin see every tenant. */
  tenant: string;
  /** The agent id of an agent user (calls with this agent id are theirs); null otherwise. */
  agentId: string | null;
  /** Teams a supervisor watches; empty = the whole tenant. */
  teams: string[];
}

export interface CallOwner {
  tenant: string;
  agentId: string;
  team: string;
}

/** The server-side rule: an agent only ever sees calls whose agent id is theirs. */
export function canSeeCall(p: Principal, call: CallOwner | undefined): boolean {
  if (p.role === 'admin' && p.tenant === '*') return true;
  if (!call || call.tenant !== p.tenant) return false;
  if (p.role === 'agent') return p.agentId !== null && p.agentId !== '' && call.agentId === p.agentId;
  if (p.role === 'supervisor') return p.teams.length === 0 || p.teams.includes(call.team);
  return true;
}

/** Agents get agent-directed alerts (cues); supervisors and admins get supervisor-directed ones. */
export function audienceIncludes(p: Pick<Principal, 'role'>, audience: Audience): boolean {
  if (audience === 'both') return true;
  return p.role === 'agent' ? audience === 'agent' : audience === 'supervisor';
}

/**
 * An alert's audience from the list its record carries (AlertEvent `audience`, the call store's
 * comma-joined column): agent and supervisor together are 'both'; none or unknown, 'supervisor'.
 */
export function audienceOf(list: readonly string[]): Audience {
  const agent = list.includes('agent');
  const supervisor = list.includes('supervisor') || list.includes('both');
  if (agent && supervisor) return 'both';
  return agent ? 'agent' : 'supervisor';
}

/** Roles that act on alerts; a QA reviewer only reads (the wallboard is read-only for them). */
export function mayAcknowledge(p: { role: string }): boolean {
  return p.role !== 'qa_reviewer';
}
