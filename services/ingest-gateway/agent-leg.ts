// The agent-leg marker every audio chunk of a call carries (AudioChunk.agent_leg): a digest of the
// stream's agent, so the services downstream see where a transfer hands the call to another voice
// (they restart the agent channel's baselines there; pipelines/agent-leg.ts) without the agent id
// ever travelling with the audio. Stateless: a resume on any gateway replica naming the same agent
// gets the same marker, another agent another one. Pure.
import { createHash } from 'node:crypto';
import { UNKNOWN_AGENT_LEG } from '../../pipelines/agent-leg.ts';

/**
 * The first 32 bits of SHA-256 over (tenant, call id, agent id), never 0 (0 is "unknown"); 0 for a
 * start without agent id. The call id in it keeps one agent's markers of two calls unlinkable by
 * comparison. Two agents of one call sharing a marker (1 in 2^32) keep the baselines, as before.
 */
export function agentLegOf(call: { tenant: string; callId: string; agentId: string }): number {
  if (call.agentId === '') return UNKNOWN_AGENT_LEG;
  const digest = createHash('sha256').update(`${call.tenant}\0${call.callId}\0${call.agentId}`).digest();
  return digest.readUInt32BE(0) || 1;
}
