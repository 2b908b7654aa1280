// Which agent a window of a call belongs to, across a transfer that keeps the call id: the ingest
// gateway stamps every audio chunk with a digest of the leg's agent (never the agent id itself;
// services/ingest-gateway/agent-leg.ts) and the dsp-worker carries it onto the feature windows.
// The agent channel's calm-start baselines are the voice of one agent: where the digest changes
// they restart for the new voice. Pure, no I/O.

/** The agent leg of a window before any is known: older producers, no agent id. */
export const UNKNOWN_AGENT_LEG = 0;

/**
 * Another agent speaks from this window on: both legs are known and differ. A window of unknown
 * leg (older producer, a CallStart without agent id) never restarts anything: without knowing,
 * the baselines carry on as before the marker existed. A reconnect of the same agent keeps its leg.
 */
export function isNewAgentLeg(current: number, next: number | undefined): boolean {
  return (
    current !== UNKNOWN_AGENT_LEG && next !== undefined && next !== UNKNOWN_AGENT_LEG && next !== current
  );
}

/** The leg to remember after a window: its own when known, else the one before. */
export function agentLegAfter(current: number, next: number | undefined): number {
  return next === undefined || next === UNKNOWN_AGENT_LEG ? current : next;
}
