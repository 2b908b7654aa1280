// Inputs and output of the post-call scorecard. Pure types, no I/O.
import type { Channel } from '../dsp/types.ts';
import type { EmotionState } from '../emotion/types.ts';
import type { PaceLine } from '../alerts/pace-line.ts';
import type { Audience } from '../alerts/types.ts';

/** The parts of a speaker window the scorecard reads (a subset of SpeakerWindow). */
export interface ScoreWindow {
  channel: Channel;
  startMs: number;
  endMs: number;
  speechFraction: number;
  /** Syllables per second; null when unknown. */
  syllableRate: number | null;
  tensionIndex: number | null;
}

export interface ScoreEmotion {
  channel: Channel;
  startMs: number;
  endMs: number;
  state: EmotionState;
  valence: number;
  arousal: number;
  /**
   * The window was on hold (EmotionEvent.on_hold: "uncertain", not judged): not the customer's
   * speech, left out as a no-speech window is. Absent = not on hold.
   */
  onHold?: boolean;
}

export interface ScoreDynamics {
  startMs: number;
  endMs: number;
  overtalkCount: number;
  longestMutualSilenceMs: number;
  /** Agent share of speech in the window, null when nobody spoke. */
  talkRatioAgent: number | null;
  /** Time of the window on hold (CallHold); hold is not in longestMutualSilenceMs. Absent = 0. */
  holdMs?: number;
  /** Time of the window the customer's line was suspected one-way (DynamicsWindow). Absent = 0. */
  customerLineFaultMs?: number;
}

export interface ScoreAlert {
  alertId: string;
  ruleId: string;
  /** Audio time the alert fired at, ms since call start. */
  startMs: number;
  firedAtMs: number;
  /** Wall clock of the acknowledgement, null when never acknowledged. */
  ackedAtMs: number | null;
  /** The channel it was raised on (links an escalation stored without its link: alert-episodes.ts). */
  channel?: string | null;
  /** On an escalation: the alert it escalated. An escalation is part of that alert's episode. */
  escalationOf?: string | null;
  /**
   * Who was shown it (the rule's audience; an escalation's is supervisor). A supervisor-only alert
   * (the `customer-line-fault` rule) never reached the agent, so alertHandling leaves it out.
   * Absent: not known, read as shown to the agent.
   */
  audience?: Audience;
}

export interface ScorecardInput {
  durationMs: number;
  windows: ScoreWindow[];
  emotions: ScoreEmotion[];
  dynamics: ScoreDynamics[];
  alerts: ScoreAlert[];
  /**
   * The agent-too-fast line in force for the call's tenant and queue, the one the agent's page
   * judges (pipelines/alerts/pace-line.ts); null: no such rule judges the call (agentPace is not
   * measured); absent: the shipped rule's line (DEFAULT_PACE_LINE).
   */
  paceLine?: PaceLine | null;
}

export type ScorePartName =
  | 'customerTrajectory'
  | 'customerNegativeShare'
  | 'deEscalation'
  | 'agentPace'
  | 'agentTension'
  | 'overtalk'
  | 'mutualSilence'
  | 'talkRatio'
  | 'alertHandling';

export interface ScorePart {
  name: ScorePartName;
  /** Weight out of 100 before renormalisation. */
  weight: number;
  /** 0..1 (1 = best), null when it does not apply to this call (left out of the score). */
  value: number | null;
  /** The measured quantity the value was derived from, in the unit named by `unit`. */
  measure: number | null;
  unit: string;
  explanation: string;
}

/** Raw measures of a call, kept as the call's summary (also what search filters on). */
export interface CallMeasures {
  durationMs: number;
  customerSpeechS: number;
  agentSpeechS: number;
  /** Time covered by customer emotion events other than no-speech. */
  customerEmotionS: number;
  customerAngerS: number;
  customerNegativeS: number;
  customerStartValence: number | null;
  customerEndValence: number | null;
  /** End minus start valence, null without enough customer speech. */
  trajectory: number | null;
  /** Per frustration alert, seconds until the customer was calm again; null = never. */
  deEscalationS: (number | null)[];
  agentPaceCompliance: number | null;
  /**
   * The pace line agentPaceCompliance was judged against (syllables per second of speech); null:
   * none judged the call; absent from summaries made before the line followed the tenant's rule (7).
   */
  agentPaceLimit?: number | null;
  agentTensionCompliance: number | null;
  overtalkCount: number;
  overtalkPerMin: number;
  /** The longest mutual silence outside hold (the dsp-worker leaves hold out of silence). */
  longestMutualSilenceMs: number;
  talkRatioAgent: number | null;
  /** Time on hold, s, and how many holds (absent from summaries made before hold existed). */
  holdS?: number;
  holdCount?: number;
  /**
   * Time the customer's line was suspected one-way, s (pipelines/dsp/line-watch.ts); present only
   * when there was some: mutual silence is then not judged, and talkRatioAgent is over the windows
   * outside the fault and the quiet before it (line-fault-spans.ts).
   */
  customerLineFaultS?: number;
  /** Alert episodes: a cue and its escalation to supervisors are one (alert-episodes.ts). */
  alertsCount: number;
  /** Episodes acknowledged on the cue or its escalation. */
  alertsAcknowledged: number;
  /** Per acknowledged episode: from the cue raised to its first acknowledgement (cue or escalation). */
  ackDelaysS: number[];
}

export interface Scorecard {
  version: 1;
  /** 0..100, null when the call cannot be judged (`unscored` says why). */
  score: number | null;
  /** Why there is no score (too little speech from one side, too few parts apply), else null. */
  unscored: string | null;
  parts: ScorePart[];
  measures: CallMeasures;
}
