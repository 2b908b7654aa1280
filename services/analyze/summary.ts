// Per-speaker and per-call summaries of an analysed recording: class probabilities averaged over
// speech windows, the smoothed emotion timeline, arousal/valence trends, pace, pitch, tension and
// the conversation's dynamics. Pure, no I/O.
import type { DynamicsWindow } from '../../pipelines/dsp/types.ts';
import type { EmotionLabel, EmotionState } from '../../pipelines/emotion/types.ts';
import type { DynamicsSummary, SpeakerSummary, StateSpan, Trend, WindowRecord } from './types.ts';
import { shownState } from '../../pipelines/emotion/shown-state.ts';
import { PACE_MIN_SPEECH_FRACTION } from '../../pipelines/alerts/agent-pace.ts';

/** A change of the mean arousal/valence (0..1) between the first and last third counted as a trend. */
export const TREND_DELTA = 0.1;
/**
 * Pace, pitch, tension and loudness are summarised over windows at least this share speech (the
 * model's own line for "no-speech"). By emotion state alone, the first silent window after a turn
 * (still `uncertain`: the state holds) counted, with a silent window's tension (1.00, from the
 * noise floor's spectral slope), loudness (-70 dBFS) and pause share (0): every demo speaker read
 * "tension max 1.00" and loudness 3-7 dB low.
 */
export const SUMMARY_MIN_SPEECH_FRACTION = 0.25;

export function summariseSpeaker(
  windows: readonly WindowRecord[],
  labels: readonly EmotionLabel[],
): SpeakerSummary {
  const speech = windows.filter((w) => w.emotion.state !== 'no-speech');
  const spoken = windows.filter((w) => w.features.speechFraction >= SUMMARY_MIN_SPEECH_FRACTION);
  const meanProbabilities = {} as Record<EmotionLabel, number>;
  for (const label of labels)
    meanProbabilities[label] = mean(speech.map((w) => w.emotion.probabilities[label]));
  const stateShares: Partial<Record<EmotionState, number>> = {};
  const shownShares: SpeakerSummary['shownShares'] = {};
  for (const w of windows) {
    stateShares[w.emotion.state] = (stateShares[w.emotion.state] ?? 0) + 1 / windows.length;
    const shown = shownState(w.emotion.state, w.emotion.arousal);
    shownShares[shown] = (shownShares[shown] ?? 0) + 1 / windows.length;
  }
  return {
    windows: windows.length,
    speechWindows: speech.length,
    meanProbabilities,
    stateShares,
    shownShares,
    timeline: timeline(windows),
    shownTimeline: timeline(windows, (w) => shownState(w.emotion.state, w.emotion.arousal)),
    arousal: trend(speech.map((w) => w.emotion.arousal)),
    valence: trend(speech.map((w) => w.emotion.valence)),
    pace: {
      syllableRate: median(spoken.map((w) => w.features.pace.syllableRate)),
      // Over windows at least half speech, as the pace rule judges it (agent-pace.ts): over less,
      // the syllable count divided by little speech time balloons.
      articulationRate: median(
        spoken
          .filter((w) => w.features.speechFraction >= PACE_MIN_SPEECH_FRACTION)
          .map((w) => w.features.pace.articulationRate),
      ),
      pauseRatio: mean(spoken.map((w) => w.features.pace.pauseRatio)),
    },
    pitch: {
      medianHz: median(spoken.map((w) => w.features.pitch.medianHz)),
      rangeSt: median(spoken.map((w) => w.features.pitch.rangeSt)),
    },
    tension: {
      mean: mean(spoken.map((w) => w.features.tensionIndex)),
      max: max(spoken.map((w) => w.features.tensionIndex)),
    },
    loudnessDbfs: mean(spoken.map((w) => w.features.loudness.meanDbfs)),
  };
}

/**
 * Consecutive windows of one smoothed state (or of `stateOf` a window) merged; a span ends where
 * the next one starts.
 */
export function timeline<S extends string = EmotionState>(
  windows: readonly WindowRecord[],
  stateOf: (w: WindowRecord) => S = (w) => w.emotion.state as S,
): StateSpan<S>[] {
  const spans: StateSpan<S>[] = [];
  for (const w of windows) {
    const state = stateOf(w);
    const last = spans[spans.length - 1];
    if (last && last.state === state) {
      last.endMs = w.endMs;
      continue;
    }
    if (last) last.endMs = w.startMs;
    spans.push({ state, startMs: w.startMs, endMs: w.endMs });
  }
  return spans;
}

/** Mean of the first third against the last third: robust to one odd window. */
export function trend(values: readonly number[]): Trend | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const third = Math.max(1, Math.floor(finite.length / 3));
  const first = mean(finite.slice(0, third));
  const last = mean(finite.slice(finite.length - third));
  const delta = last - first;
  return {
    first,
    last,
    mean: mean(finite),
    direction: delta > TREND_DELTA ? 'rising' : delta < -TREND_DELTA ? 'falling' : 'steady',
  };
}

/**
 * Call-level dynamics. Windows overlap (default 2 s every 1 s), so sums are taken over the
 * non-overlapping tiling (every (window/hop)-th window) to count each moment once; an overtalk
 * that straddles two tiles is counted in both.
 */
export function summariseDynamics(
  dynamics: readonly DynamicsWindow[],
  agent: readonly WindowRecord[],
  customer: readonly WindowRecord[],
): DynamicsSummary {
  const step = tileStep(dynamics);
  const tiles = dynamics.filter((d) => d.windowIndex % step === 0);
  const speechMs = (ws: readonly WindowRecord[]) =>
    ws
      .filter((w) => w.windowIndex % step === 0)
      .reduce((sum, w) => sum + w.features.speechFraction * (w.endMs - w.startMs), 0);
  const agentMs = speechMs(agent);
  const customerMs = speechMs(customer);
  return {
    talkRatioAgent: agentMs + customerMs > 0 ? agentMs / (agentMs + customerMs) : NaN,
    overtalkCount: tiles.reduce((s, d) => s + d.overtalkCount, 0),
    overtalkS: tiles.reduce((s, d) => s + d.overtalkMs, 0) / 1000,
    mutualSilenceS: tiles.reduce((s, d) => s + d.mutualSilenceMs, 0) / 1000,
    longestMutualSilenceS: longestMutualSilenceMs(tiles, dynamics) / 1000,
    agentResponseLatencyMs: median(tiles.flatMap((d) => d.agentResponseLatencyMs)),
    customerResponseLatencyMs: median(tiles.flatMap((d) => d.customerResponseLatencyMs)),
  };
}

/**
 * The longest mutual silence: a window knows only its own (at most its 2 s), so a silence over
 * several windows is joined from the consecutive windows silent throughout (12 s of dead air read
 * "longest 2.0 s"). Its ends inside the windows either side are not added: a lower bound, short by
 * at most one window at each end. Every window's own longest counts, not only the tiles' (a 2.0 s
 * silence across two tiles read "longest 1.0 s").
 */
function longestMutualSilenceMs(tiles: readonly DynamicsWindow[], all: readonly DynamicsWindow[]): number {
  let longest = 0;
  for (const window of all) longest = Math.max(longest, window.longestMutualSilenceMs);
  let run = 0;
  let previousEndMs = NaN;
  for (const tile of tiles) {
    longest = Math.max(longest, tile.longestMutualSilenceMs);
    const silentThroughout = tile.mutualSilenceMs >= tile.endMs - tile.startMs;
    run = silentThroughout ? (tile.startMs === previousEndMs ? run : 0) + (tile.endMs - tile.startMs) : 0;
    previousEndMs = tile.endMs;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** Windows per window length: 2 for 2-s windows every 1 s; 1 when they do not overlap. */
function tileStep(dynamics: readonly DynamicsWindow[]): number {
  if (dynamics.length < 2) return 1;
  const length = dynamics[0].endMs - dynamics[0].startMs;
  const hop = dynamics[1].startMs - dynamics[0].startMs;
  return hop > 0 && length > hop ? Math.max(1, Math.round(length / hop)) : 1;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function max(values: readonly number[]): number {
  let best = NaN;
  for (const v of values) if (Number.isFinite(v) && !(v <= best)) best = v;
  return best;
}
