// A call started without a team is filed under its agent's team from the users file, as the
// alert service's wallboard files it (call-registry.ts): a team supervisor saw such a call live and
// then got 404 for it in the QA API, where it kept team ''. Pure.
import { agentTeamKey } from '../../shared/auth/users.ts';
import type { StoreEvent } from '../events.ts';

export function withAgentTeam(event: StoreEvent, teamOfAgent?: ReadonlyMap<string, string>): StoreEvent {
  if (event.kind !== 'call-start' || event.team !== '' || !teamOfAgent) return event;
  const team = teamOfAgent.get(agentTeamKey(event.tenant, event.agentId));
  return team ? { ...event, team } : event;
}
