// The summary's alert figures (alertsCount, alertsAcknowledged, ackDelaysS) from a call's alerts
// alone: the scorecard computes them with the rest, and the call store recomputes them over a
// summarised call whose detail rows are gone (no features consent) when a late alert or an
// earlier acknowledgement arrives. Pure.
import { alertEpisodes, episodeAckedAt } from './alert-episodes.ts';
import type { CallMeasures, ScoreAlert } from './types.ts';

export type AlertMeasures = Pick<CallMeasures, 'alertsCount' | 'alertsAcknowledged' | 'ackDelaysS'>;

/**
 * The shipped one-way-line rule (config/alert-rules.yaml, pipelines/dsp/line-watch.ts): sent to
 * supervisors only, about the line, not the agent's manner; the agent neither sees nor can
 * acknowledge it, so it is no alert of the agent's to handle (alertHandling, the score).
 */
export const LINE_FAULT_RULE = 'customer-line-fault';

export function alertMeasures(alerts: readonly ScoreAlert[]): AlertMeasures {
  // An escalation is part of its cue's episode: handled when either was acknowledged, timed from the cue.
  const episodes = alertEpisodes(alerts.filter((a) => a.ruleId !== LINE_FAULT_RULE));
  const ackDelaysS = episodes.flatMap((episode) => {
    const at = episodeAckedAt(episode, (a) => a.ackedAtMs);
    return at === null ? [] : [Math.max(0, (at - episode.cue.firedAtMs) / 1000)];
  });
  return { alertsCount: episodes.length, alertsAcknowledged: ackDelaysS.length, ackDelaysS };
}
