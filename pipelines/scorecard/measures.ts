// Raw post-call measures from a call's windows, emotion events, dynamics and alerts: speech time,
// anger time, valence trajectory, compliance shares, overtalk, silence, talk ratio, ack delays.
// Pure. Windows overlap (2 s window, 1 s hop), so every record is weighted by the interval it
// "owns": from its start to the next record's start of the same series (its own end for the last).
import type { Channel } from '../dsp/types.ts';
import type { EmotionState } from '../emotion/types.ts';
import type { CallMeasures, ScoreEmotion, ScorecardInput, ScoreWindow } from './types.ts';
import {
  TENSION_MIN_SPEECH,
  TENSION_RISE_TENSE,
  newTensionBaseline,
  tensionRise,
} from '../alerts/tension-rise.ts';
import { alertMeasures } from './alert-measures.ts';
import { outsideLineFaults } from './line-fault-spans.ts';
import { DEFAULT_PACE_LINE, type PaceLine } from '../alerts/pace-line.ts';

/** A window counts as speech when at least this share of it is speech. */
export const SPEECH_MIN_FRACTION = 0.3;
/** Negative customer states for the "share of negative speech" part. */
export const NEGATIVE_STATES: ReadonlySet<EmotionState> = new Set(['angry', 'sad', 'anxious', 'disgust']);
/** States that end a de-escalation after a frustration alert. */
export const CALM_STATES: ReadonlySet<EmotionState> = new Set(['neutral', 'happy']);
/**
 * Pace while speaking (the rule's articulation rate: syllables over the window's speech time), on
 * windows with at least the line's share of speech (the others are silence to the rule).
 */
function paceWhileSpeaking(w: ScoreWindow, line: PaceLine): number | null {
  if (w.syllableRate === null || w.speechFraction < line.minSpeechFraction) return null;
  return w.syllableRate / w.speechFraction;
}

/** The share of agent speech within the line, the line's limit; both null without a line. */
function agentPace(agentWindows: ScoreWindow[], line: PaceLine | null) {
  if (line === null) return { agentPaceCompliance: null, agentPaceLimit: null };
  return {
    agentPaceCompliance: complianceShare(agentWindows, (w) => paceWhileSpeaking(w, line), line.limit),
    agentPaceLimit: line.limit,
  };
}
/**
 * Agent tension counts as tense from this rise over the agent's own call start (pipelines/alerts/
 * tension-rise.ts, the same line as the agent-stress cue); the absolute index above 0.6 counted
 * 39 % of calm speech as tense (a voice or a microphone, not stress).
 */
export const TENSION_LIMIT = TENSION_RISE_TENSE;
/** Trajectory compares the first and the last minute of customer speech. */
export const TRAJECTORY_SPAN_MS = 60_000;
/** Below this much customer speech the trajectory is not measured. */
export const TRAJECTORY_MIN_SPEECH_MS = 20_000;
/** Rule ids containing this word are frustration alerts. */
export const FRUSTRATION_RULE_WORD = 'frustration';

interface Span {
  startMs: number;
  endMs: number;
}

/** Length each record owns in a series sorted by start (see the module header). */
export function ownedMs<T extends Span>(sorted: readonly T[]): number[] {
  return sorted.map((item, i) => {
    const next = sorted[i + 1];
    const end = next ? Math.min(next.startMs, item.endMs) : item.endMs;
    return Math.max(0, end - item.startMs);
  });
}

function byStart<T extends Span>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.startMs - b.startMs);
}

function series<T extends Span & { channel: Channel }>(items: readonly T[], channel: Channel): T[] {
  return byStart(items.filter((item) => item.channel === channel));
}

function speechMs(windows: readonly ScoreWindow[]): number {
  const owned = ownedMs(windows);
  return windows.reduce((sum, w, i) => sum + w.speechFraction * owned[i], 0);
}

/** Mean valence over the first `spanMs` of speech events, walking forward or backward. */
function valenceOver(
  events: ScoreEmotion[],
  owned: number[],
  spanMs: number,
  fromEnd: boolean,
): number | null {
  let weight = 0;
  let sum = 0;
  for (let k = 0; k < events.length && weight < spanMs; k++) {
    const i = fromEnd ? events.length - 1 - k : k;
    const take = Math.min(owned[i], spanMs - weight);
    sum += events[i].valence * take;
    weight += take;
  }
  return weight > 0 ? sum / weight : null;
}

/**
 * Per window, 1 when its tension rose TENSION_LIMIT or more over the speaker's call start, else 0;
 * null for silence and the start itself. The baseline learns from the windows the live engine
 * learns from (TENSION_MIN_SPEECH, not this file's speech gate: review), so both agree.
 */
function tenseWindows(windows: ScoreWindow[]): (number | null)[] {
  const baseline = newTensionBaseline();
  return windows.map((w) => {
    if (w.speechFraction < TENSION_MIN_SPEECH || w.tensionIndex === null) return null;
    const rise = tensionRise(baseline, w.tensionIndex);
    return Number.isFinite(rise) ? (rise >= TENSION_LIMIT ? 1 : 0) : null;
  });
}

function complianceShare(
  windows: ScoreWindow[],
  pick: (w: ScoreWindow, i: number) => number | null,
  limit: number,
) {
  const owned = ownedMs(windows);
  let total = 0;
  let within = 0;
  windows.forEach((w, i) => {
    const value = pick(w, i);
    if (w.speechFraction < SPEECH_MIN_FRACTION || value === null) return;
    total += owned[i];
    if (value <= limit) within += owned[i];
  });
  return total > 0 ? within / total : null;
}

export function computeMeasures(input: ScorecardInput): CallMeasures {
  const agentWindows = series(input.windows, 'agent');
  const agentTense = tenseWindows(agentWindows);
  const customerWindows = series(input.windows, 'customer');
  // Each event owns its time up to the next event, a no-speech one included, which is then left
  // out: owned after leaving them out, the last window of every turn owned its whole 2 s (an hour
  // with 100 angry windows read 110 s of anger; the demo's 24 angry windows, 26 s).
  const allCustomerEvents = series(input.emotions, 'customer');
  const allOwned = ownedMs(allCustomerEvents);
  // A window on hold ("uncertain", valence 0.5, not judged) is not the customer's speech either:
  // counted, two minutes on hold made an angry caller's call read 25 % negative and improving.
  const spoken = allCustomerEvents.flatMap((e, i) =>
    e.state === 'no-speech' || e.onHold === true ? [] : [i],
  );
  const customerEvents = spoken.map((i) => allCustomerEvents[i]);
  const eventOwned = spoken.map((i) => allOwned[i]);
  const timeIn = (states: ReadonlySet<EmotionState>) =>
    customerEvents.reduce((sum, e, i) => sum + (states.has(e.state) ? eventOwned[i] : 0), 0);
  const customerEventMs = eventOwned.reduce((a, b) => a + b, 0);

  let startValence: number | null = null;
  let endValence: number | null = null;
  if (customerEventMs >= TRAJECTORY_MIN_SPEECH_MS) {
    const span = Math.min(TRAJECTORY_SPAN_MS, customerEventMs / 2);
    startValence = valenceOver(customerEvents, eventOwned, span, false);
    endValence = valenceOver(customerEvents, eventOwned, span, true);
  }

  const deEscalationS = [...input.alerts]
    .sort((a, b) => a.startMs - b.startMs)
    .filter((alert) => alert.ruleId.includes(FRUSTRATION_RULE_WORD))
    .map((alert) => {
      const calm = customerEvents.find((e) => e.startMs >= alert.startMs && CALM_STATES.has(e.state));
      return calm ? (calm.startMs - alert.startMs) / 1000 : null;
    });

  const dynamics = byStart(input.dynamics);
  const dynOwned = ownedMs(dynamics);
  // Talk ratio over the windows the customer's line was not suspected in, nor quiet before it.
  const judged = outsideLineFaults(dynamics, customerWindows);
  let overtalk = 0;
  let longestSilence = 0;
  let talkWeight = 0;
  let talkSum = 0;
  let holdMs = 0;
  let holdCount = 0;
  let lineFaultMs = 0;
  dynamics.forEach((d, i) => {
    // Overlapping windows hold the same hold twice: the owned share of each window's hold. A
    // hold is a run of windows with hold time, touching each other (a new hold: a gap before it).
    const held = d.holdMs ?? 0;
    const length = d.endMs - d.startMs;
    if (held > 0) {
      holdMs += length > 0 ? (held * dynOwned[i]) / length : 0;
      const before = dynamics[i - 1];
      if (!before || (before.holdMs ?? 0) === 0 || before.endMs < d.startMs) holdCount += 1;
    }
    const fault = d.customerLineFaultMs ?? 0;
    if (fault > 0 && length > 0) lineFaultMs += (fault * dynOwned[i]) / length;
    // Overlapping windows see the same overtalk twice: count the owned share only.
    overtalk += length > 0 ? (d.overtalkCount * dynOwned[i]) / length : 0;
    longestSilence = Math.max(longestSilence, d.longestMutualSilenceMs);
    if (judged[i] && d.talkRatioAgent !== null && Number.isFinite(d.talkRatioAgent)) {
      talkSum += d.talkRatioAgent * dynOwned[i];
      talkWeight += dynOwned[i];
    }
  });
  const minutes = input.durationMs / 60_000;

  return {
    durationMs: input.durationMs,
    customerSpeechS: speechMs(customerWindows) / 1000,
    agentSpeechS: speechMs(agentWindows) / 1000,
    customerEmotionS: customerEventMs / 1000,
    customerAngerS: timeIn(new Set(['angry'])) / 1000,
    customerNegativeS: timeIn(NEGATIVE_STATES) / 1000,
    customerStartValence: startValence,
    customerEndValence: endValence,
    trajectory: startValence !== null && endValence !== null ? endValence - startValence : null,
    deEscalationS,
    // The line of the agent-too-fast rule in force for the call, as the agent's page judges it.
    ...agentPace(agentWindows, input.paceLine === undefined ? DEFAULT_PACE_LINE : input.paceLine),
    // Compliant: not tense (0 ≤ 0); tense from the rule's own line on (≥, as the rule and pages).
    agentTensionCompliance: complianceShare(agentWindows, (_w, i) => agentTense[i], 0),
    overtalkCount: Math.round(overtalk),
    overtalkPerMin: minutes > 0 ? overtalk / minutes : 0,
    longestMutualSilenceMs: longestSilence,
    talkRatioAgent: talkWeight > 0 ? talkSum / talkWeight : null,
    holdS: holdMs / 1000,
    holdCount,
    ...(lineFaultMs > 0 ? { customerLineFaultS: lineFaultMs / 1000 } : {}),
    ...alertMeasures(input.alerts),
  };
}
