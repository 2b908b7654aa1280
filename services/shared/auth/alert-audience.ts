// Which alerts a role receives: agents get agent-directed alerts (cues), everyone else the
// supervisor-directed ones; 'both' reaches all. The WebSocket hub filters live alerts with it and
// the call store's QA API applies it to an agent reading its own call. Pure.
import type { Audience } from '../../../pipelines/alerts/types.ts';
import type { Principal } from './roles.ts';

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
