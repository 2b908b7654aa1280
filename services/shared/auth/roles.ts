// Who a signed-in user is (the one Principal of every service: the alert service's WebSocket and
// login, the call store's QA API) and what each role may do besides reading calls. Pure, and free
// of Node imports: the wallboard's browser bundle imports it too.

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

/**
 * Roles that act on alerts: supervisors and admins. A QA reviewer only reads (the wallboard is
 * read-only for them); an agent has no acknowledge button, and an ack frame of its own would mark
 * its own call's alerts handled, in the view of its supervisor and in its own scorecard.
 */
export function mayAcknowledge(p: { role: string }): boolean {
  return p.role === 'supervisor' || p.role === 'admin';
}

/** Reviews, survey imports and reports are for staff: agents only read their own calls. */
export function mayReview(p: Pick<Principal, 'role'>): boolean {
  return p.role !== 'agent';
}
