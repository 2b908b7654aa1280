// The wallboard's view model: the live state of one call as the pages show it, per speaker the
// current emotion, arousal/valence, pace and tension, the customer's mood trend, talk share and
// the agent's current cue. Updated in place from the event streams; `version` increases on each
// change. Pure, no I/O.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { AlertEvent } from '../../pipelines/alerts/types.ts';
import {
  newTensionBaseline,
  tensionRise,
  type TensionBaseline,
} from '../../pipelines/alerts/tension-rise.ts';
import { agentLegAfter, isNewAgentLeg, UNKNOWN_AGENT_LEG } from '../../pipelines/agent-leg.ts';
import { moodValue } from '../../pipelines/emotion/mood-value.ts';
import { PACE_MIN_SPEECH_FRACTION, PACE_NOTE_SUSTAIN_MS } from '../../pipelines/alerts/agent-pace.ts';
import { DEFAULT_PACE_LINE, type PaceLine } from '../../pipelines/alerts/pace-line.ts';
import type { CallMeta } from './protocol.ts';

export interface SpeakerLive {
  state: string;
  arousal: number;
  valence: number;
  confidence: number;
  /** Syllables per second while speaking (articulation rate). */
  pace: number;
  /**
   * The agent-too-fast rule's line in force for the call at the last agent window
   * (pipelines/alerts/pace-line.ts); null when no such rule judges the call (switched off, other
   * queues, not a plain limit), and always for the customer, whom the rule does not judge.
   */
  paceLine: PaceLine | null;
  /**
   * Audio ms (window end) of the first judged window of the current run over paceLine's limit;
   * NaN when the last judged window was not over it. Windows under paceLine's minSpeechFraction
   * neither hold nor break a run, as for the agent-too-fast rule.
   */
  paceOverSinceMs: number;
  /** The last judged window's end (audio ms). */
  paceAtMs: number;
  /** End (audio ms) of the last window over the limit: a gap over paceLine's maxGapMs breaks the run. */
  paceOverLastMs: number;
  tension: number;
  /** Tension over the speaker's own call start (pipelines/alerts/tension-rise.ts); NaN while learnt. */
  tensionRise: number;
  tensionBaseline: TensionBaseline;
  /**
   * 'unknown' when this instance joined the call after its start (a restart, a new instance): the
   * first windows it saw are not the call start, so no baseline (the engine, which replays the call
   * from its start, has the true one; a page learning from mid-call would contradict its alerts).
   */
  tensionFrom: 'learning' | 'call-start' | 'unknown';
  /** The agent leg the tension baseline learns (agent channel; pipelines/agent-leg.ts; 0 = unknown). */
  agentLeg: number;
  /** The newest features window applied: repeats (a replay) would teach the baseline twice. */
  lastFeatureWindow: number;
  /** The newest emotion window applied: a repeat (a replay, a rejoin) would add trend points twice. */
  lastEmotionWindow: number;
  speaking: boolean;
  audioMs: number;
}

export interface CallLive extends CallMeta {
  endedAtMs: number | null;
  audioMs: number;
  agent: SpeakerLive;
  customer: SpeakerLive;
  /**
   * Customer mood of the last TREND_POINTS speech windows, oldest first: the valence, kept on the
   * side of the class shown with it (pipelines/emotion/mood-value.ts).
   */
  moodTrend: number[];
  /** Customer valence points added since the call started (lets clients append trend tails). */
  moodPoints: number;
  talkRatioAgent: number | null;
  /** End of the newest dynamics window applied: a repeat (a rejoin) would step the talk share back. */
  dynamicsEndMs: number;
  cue: string | null;
  cueAlertId: string | null;
  /** Audio time of the cue's alert: the cue goes CUE_HOLD_MS later. */
  cueAudioMs: number;
  /** The cue's alert's severity and subject: a lesser cue about something else waits (applyAlert). */
  cueSeverity: string;
  cueSubject: string;
  /** The customer's one-line history from earlier calls (pipelines/history); null = none to show. */
  history: string | null;
  /** The newest window applied (any stream) overlapped a hold (the platform's CallHold). */
  onHold: boolean;
  /** End (audio ms) of the window that set onHold: an older window of a lagging stream does not. */
  holdAtMs: number;
  version: number;
}

export const TREND_POINTS = 40;

function speaker(): SpeakerLive {
  return {
    state: 'no-speech',
    arousal: NaN,
    valence: NaN,
    confidence: 0,
    pace: NaN,
    paceLine: null,
    paceOverSinceMs: NaN,
    paceAtMs: NaN,
    paceOverLastMs: NaN,
    tension: NaN,
    tensionRise: NaN,
    tensionBaseline: newTensionBaseline(),
    tensionFrom: 'learning',
    agentLeg: UNKNOWN_AGENT_LEG,
    lastFeatureWindow: -1,
    lastEmotionWindow: -1,
    speaking: false,
    audioMs: 0,
  };
}

export function newCallLive(meta: CallMeta): CallLive {
  return {
    ...meta,
    endedAtMs: null,
    audioMs: 0,
    agent: speaker(),
    customer: speaker(),
    moodTrend: [],
    moodPoints: 0,
    talkRatioAgent: null,
    dynamicsEndMs: -1,
    cue: null,
    cueAlertId: null,
    cueAudioMs: 0,
    cueSeverity: '',
    cueSubject: '',
    history: null,
    onHold: false,
    holdAtMs: -1,
    version: 0,
  };
}

export interface EmotionSample {
  channel: Channel;
  windowIndex: number;
  state: string;
  arousal: number;
  valence: number;
  confidence: number;
  endMs: number;
  /** On hold: not the speaker (not judged), no mood trend point. */
  onHold?: boolean;
}

export function applyEmotion(call: CallLive, e: EmotionSample): void {
  const s = call[e.channel];
  if (e.windowIndex <= s.lastEmotionWindow) return;
  s.lastEmotionWindow = e.windowIndex;
  setOnHold(call, e.onHold === true, e.endMs);
  s.state = e.state;
  s.speaking = e.state !== 'no-speech' && e.onHold !== true;
  if (s.speaking) {
    s.arousal = e.arousal;
    s.valence = e.valence;
    s.confidence = e.confidence;
    if (e.channel === 'customer') {
      // On the side of the class shown with it (mood-value.ts): the trend never says otherwise.
      call.moodTrend.push(moodValue(e.state, e.valence) ?? e.valence);
      call.moodPoints += 1;
      if (call.moodTrend.length > TREND_POINTS) call.moodTrend.shift();
    }
  }
  s.audioMs = Math.max(s.audioMs, e.endMs);
  advance(call, e.endMs);
}

export interface FeatureSample {
  channel: Channel;
  windowIndex: number;
  articulationRate: number;
  tensionIndex: number;
  speechFraction: number;
  endMs: number;
  /** On hold: hold music is not the speaker's pace or tension (nor their tension baseline). */
  onHold?: boolean;
  /** The window's agent leg (FeatureWindow.agent_leg); absent or 0 = unknown. */
  agentLeg?: number;
}

/** A speaker's first features window seen after this one: the instance joined after the call start. */
export const JOINED_LATE_AFTER_WINDOW = 3;

/**
 * `paceLine`: the agent-too-fast rule's line in force for the call now (null: none judges it), for
 * an agent window; a rules reload reaches a live call from its next window.
 */
export function applyFeatures(
  call: CallLive,
  f: FeatureSample,
  paceLine: PaceLine | null = DEFAULT_PACE_LINE,
  minSpeechFraction = 0.2,
): void {
  const s = call[f.channel];
  if (f.windowIndex <= s.lastFeatureWindow) return;
  if (s.lastFeatureWindow < 0 && f.windowIndex > JOINED_LATE_AFTER_WINDOW) s.tensionFrom = 'unknown';
  s.lastFeatureWindow = f.windowIndex;
  // Another agent after a transfer: their voice stress is read against their own start, as the
  // engine's agent-stress rule reads it (pipelines/alerts/engine.ts); seen from its start, so known.
  if (f.channel === 'agent' && isNewAgentLeg(s.agentLeg, f.agentLeg)) {
    s.tensionBaseline = newTensionBaseline();
    s.tensionRise = NaN;
    s.tensionFrom = 'learning';
    // Their pace is their own too: the previous agent's run does not make theirs "too fast".
    s.paceOverSinceMs = NaN;
  }
  if (f.channel === 'agent') s.agentLeg = agentLegAfter(s.agentLeg, f.agentLeg);
  setOnHold(call, f.onHold === true, f.endMs);
  if (f.onHold === true) return advance(call, f.endMs);
  // Pace while speaking over little speech is no pace (agent-pace.ts): the last one shown stays.
  if (f.speechFraction >= PACE_MIN_SPEECH_FRACTION) s.pace = f.articulationRate;
  if (f.channel === 'agent') judgePace(s, f, paceLine);
  if (f.speechFraction >= minSpeechFraction) {
    s.tension = f.tensionIndex;
    if (s.tensionFrom !== 'unknown') {
      s.tensionRise = tensionRise(s.tensionBaseline, f.tensionIndex);
      if (Number.isFinite(s.tensionRise)) s.tensionFrom = 'call-start';
    }
  }
  advance(call, f.endMs);
}

/** The run of the pace note, judged as the agent-too-fast rule in force judges it. */
function judgePace(s: SpeakerLive, f: FeatureSample, line: PaceLine | null): void {
  s.paceLine = line;
  if (line === null) {
    s.paceOverSinceMs = NaN;
    return;
  }
  if (f.speechFraction < line.minSpeechFraction) return;
  s.paceAtMs = f.endMs;
  if (!(f.articulationRate > line.limit)) {
    s.paceOverSinceMs = NaN;
    return;
  }
  if (Number.isNaN(s.paceOverSinceMs) || f.endMs - s.paceOverLastMs > line.maxGapMs)
    s.paceOverSinceMs = f.endMs;
  s.paceOverLastMs = f.endMs;
}

/** Pace while speaking has been over the rule's limit for PACE_NOTE_SUSTAIN_MS (agent-pace.ts). */
export function paceTooFast(s: SpeakerLive): boolean {
  return s.paceLine !== null && s.paceAtMs - s.paceOverSinceMs >= PACE_NOTE_SUSTAIN_MS;
}

export function applyDynamics(
  call: CallLive,
  d: { talkRatioAgent: number; endMs: number; holdMs?: number; customerLineFaultMs?: number },
): void {
  if (d.endMs <= call.dynamicsEndMs) return;
  call.dynamicsEndMs = d.endMs;
  setOnHold(call, (d.holdMs ?? 0) > 0, d.endMs);
  // A one-way customer line: who talks more is unknown (its last share was the agent alone).
  if ((d.customerLineFaultMs ?? 0) > 0) call.talkRatioAgent = null;
  else if (Number.isFinite(d.talkRatioAgent)) call.talkRatioAgent = d.talkRatioAgent;
  advance(call, d.endMs);
}

/**
 * How long a cue stays on the agent's page, in the call's audio time: the moment it addresses
 * (the rules' escalation time, config/alert-rules.yaml escalateAfterMs). Kept until a newer alert
 * replaced it, "Customer frustration rising" still showed a minute after the caller had calmed
 * down and at the call's end (page probe); a condition that persists fires again after its rule's
 * cooldown.
 */
export const CUE_HOLD_MS = 30_000;

/** The call's audio reached `endMs`: a cue older than CUE_HOLD_MS goes. */
/**
 * Whether the call is on hold, from the newest window in audio time of any stream: the dynamics,
 * features and emotion topics each lag on their own, and an older window put a call back on hold
 * after a newer one had taken it off (the pages flickered "On hold" after the hold).
 */
function setOnHold(call: CallLive, onHold: boolean, endMs: number): void {
  if (endMs < call.holdAtMs) return;
  call.holdAtMs = endMs;
  call.onHold = onHold;
}

function advance(call: CallLive, endMs: number): void {
  call.audioMs = Math.max(call.audioMs, endMs);
  if (call.cue !== null && call.audioMs - call.cueAudioMs > CUE_HOLD_MS) {
    call.cue = null;
    call.cueAlertId = null;
  }
  call.version += 1;
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };
const rank = (severity: string): number => SEVERITY_RANK[severity] ?? 0;

/**
 * Agent-directed alerts with a cue become the call's current cue for CUE_HOLD_MS of audio. A
 * lesser cue about another subject does not replace one still held ("Slow down" two seconds after
 * "Customer frustration rising: acknowledge the feeling" hid it for the rest of its hold; the
 * wallboard's tiles rank the same way); news of the same subject (the customer recovered) does.
 */
export function applyAlert(
  call: CallLive,
  alert: Pick<AlertEvent, 'alertId' | 'audience' | 'cue' | 'audioMs'> & { severity: string; subject: string },
): void {
  // An older alert read late (a restart re-reads them) neither replaces a newer cue nor comes back.
  if (!alert.cue || alert.audience === 'supervisor' || alert.audioMs < call.cueAudioMs) return;
  if (call.audioMs - alert.audioMs > CUE_HOLD_MS) return;
  // Held by the alert's own audio time: one past the held cue's hold (read before the window that
  // moves the call's audio on, which comes on another topic) is not outranked by it.
  const outranked =
    call.cue !== null &&
    alert.audioMs - call.cueAudioMs <= CUE_HOLD_MS &&
    alert.subject !== call.cueSubject &&
    rank(alert.severity) < rank(call.cueSeverity);
  if (outranked) return;
  call.cue = alert.cue;
  call.cueAlertId = alert.alertId;
  call.cueAudioMs = alert.audioMs;
  call.cueSeverity = alert.severity;
  call.cueSubject = alert.subject;
  call.version += 1;
}
