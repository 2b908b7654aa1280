// Result shapes of the offline `analyze` command: per file, per speaker, per window (features and
// emotion event), plus summaries. Plain data: it crosses worker threads and is written as JSON.
import type { Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import type { EmotionEvent, EmotionLabel, EmotionState } from '../../pipelines/emotion/types.ts';
import type { ArousalCue } from '../../pipelines/emotion/shown-state.ts';

/** A SpeakerWindow with functionals as a plain array (null where undefined), for JSON. */
export type WindowFeatures = Omit<SpeakerWindow, 'functionals' | 'windowIndex' | 'startMs' | 'endMs'> & {
  functionals: (number | null)[];
};

export interface WindowRecord {
  windowIndex: number;
  startMs: number;
  endMs: number;
  features: WindowFeatures;
  emotion: EmotionEvent;
}

export interface Trend {
  /** Mean over the first and the last third of the speech windows. */
  first: number;
  last: number;
  mean: number;
  /** 'rising' / 'falling' when last - first exceeds TREND_DELTA (see summary.ts). */
  direction: 'rising' | 'falling' | 'steady';
}

export interface StateSpan<S extends string = EmotionState> {
  state: S;
  startMs: number;
  endMs: number;
}

export interface SpeakerSummary {
  windows: number;
  speechWindows: number;
  /** Class probabilities averaged over the speech windows (NaN without speech). */
  meanProbabilities: Record<EmotionLabel, number>;
  /** Share of windows in each smoothed state. */
  stateShares: Partial<Record<EmotionState, number>>;
  /**
   * Share of windows in each state as the wallboard, the agent page and the demo console show it
   * (pipelines/emotion/shown-state.ts: an `uncertain` window with confidently high arousal reads
   * `tense`), so the offline figure is the live one.
   */
  shownShares: Partial<Record<EmotionState | ArousalCue, number>>;
  /** The smoothed state over time, consecutive equal states merged. */
  timeline: StateSpan[];
  /** The same as shown (shownShares): what the readable summary prints. */
  shownTimeline: StateSpan<EmotionState | ArousalCue>[];
  arousal: Trend | null;
  valence: Trend | null;
  pace: { syllableRate: number; articulationRate: number; pauseRatio: number };
  pitch: { medianHz: number; rangeSt: number };
  tension: { mean: number; max: number };
  loudnessDbfs: number;
}

export interface SpeakerResult {
  channel: Channel;
  /** Which WAV channel it came from: 'left', 'right', 'channel 3'. */
  source: string;
  summary: SpeakerSummary;
  windows: WindowRecord[];
}

export interface DynamicsSummary {
  /** Agent share of all speech, 0..1 (NaN when nobody spoke). */
  talkRatioAgent: number;
  overtalkCount: number;
  overtalkS: number;
  mutualSilenceS: number;
  longestMutualSilenceS: number;
  /** Medians in ms, NaN when no turn was taken. */
  agentResponseLatencyMs: number;
  customerResponseLatencyMs: number;
}

export interface FileAnalysis {
  file: string;
  ok: true;
  sampleRateHz: number;
  /** Rate the DSP stage ran at (the file's, or after resampling when the stage needs it). */
  analysedRateHz: number;
  encoding: string;
  channelCount: number;
  durationS: number;
  speakers: SpeakerResult[];
  dynamics: DynamicsWindow[] | null;
  dynamicsSummary: DynamicsSummary | null;
  /** What the reader had to work around, in words (a cut recording); absent when nothing. */
  notes?: string[];
  /**
   * SHA-256 (hex) of the file's bytes: an import names the call by path and content, so another
   * recording saved under the same path is another call, not merged into the first.
   */
  contentSha256?: string;
}

export interface FileFailure {
  file: string;
  ok: false;
  error: { code: string; message: string };
}

export type FileResult = FileAnalysis | FileFailure;
