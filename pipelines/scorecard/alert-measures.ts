// The summary's alert figures (alertsCount, alertsAcknowledged, ackDelaysS) from a call's alerts
// alone: the scorecard computes them with the rest, and the call store recomputes them over a
// summarised call whose detail rows are gone (no features consent) when a late alert or an
// earlier acknowledgement arrives. The same figures over the episodes the agent was shown are what
// the alertHandling part judges. Pure.
import { alertEpisodes, episodeAckedAt, isEscalation, type AlertEpisode } from './alert-episodes.ts';
import type { CallMeasures, ScoreAlert } from './types.ts';

export type AlertMeasures = Pick<CallMeasures, 'alertsCount' | 'alertsAcknowledged' | 'ackDelaysS'>;

/** The figures over the episodes the agent was shown, and how many were the supervisor's alone. */
export interface AgentAlertMeasures extends AlertMeasures {
  supervisorOnly: number;
}

function episodeMeasures(episodes: readonly AlertEpisode<ScoreAlert>[]): AlertMeasures {
  // An escalation is part of its cue's episode: handled when either was acknowledged, timed from the cue.
  const ackDelaysS = episodes.flatMap((episode) => {
    const at = episodeAckedAt(episode, (a) => a.ackedAtMs);
    return at === null ? [] : [Math.max(0, (at - episode.cue.firedAtMs) / 1000)];
  });
  return { alertsCount: episodes.length, alertsAcknowledged: ackDelaysS.length, ackDelaysS };
}

export function alertMeasures(alerts: readonly ScoreAlert[]): AlertMeasures {
  return episodeMeasures(alertEpisodes(alerts));
}

/**
 * Whether the agent was shown the episode: its cue went to the agent (audience agent or both; not
 * known counts as shown). An escalation opening an episode of its own (its cue not in the input:
 * another agent's leg, a deleted row) escalated an agent-only cue, the only kind the engine
 * escalates, so the agent saw that cue.
 */
function shownToAgent(episode: AlertEpisode<ScoreAlert>): boolean {
  const { cue } = episode;
  return cue.audience === undefined || cue.audience !== 'supervisor' || isEscalation(cue);
}

/**
 * The figures alertHandling judges: an unacknowledged supervisor-only alert (a line fault, a
 * tenant's supervisor-only rule) counted "never acknowledged" against an agent who never saw it.
 */
export function agentAlertMeasures(alerts: readonly ScoreAlert[]): AgentAlertMeasures {
  const episodes = alertEpisodes(alerts);
  const shown = episodes.filter(shownToAgent);
  return { ...episodeMeasures(shown), supervisorOnly: episodes.length - shown.length };
}
