// Public entry of the scorecard stage: post-call measures and the 0..100 score with its parts. Pure.
export {
  alertHandlingPart,
  computeScorecard,
  combine,
  scoreParts,
  unscoredReason,
  WEIGHTS,
} from './scorecard.ts';
export {
  agentAlertMeasures,
  alertMeasures,
  type AgentAlertMeasures,
  type AlertMeasures,
} from './alert-measures.ts';
export { computeMeasures, FRUSTRATION_RULE_WORD } from './measures.ts';
export type * from './types.ts';
export { legMeasures, legSpans, type LegMeasures, type LegSpan, type LegStart } from './legs.ts';
export {
  alertEpisodes,
  episodeAckedAt,
  escalationCues,
  ESCALATION_ID_SUFFIX,
  type AlertEpisode,
  type EpisodeAlert,
} from './alert-episodes.ts';
