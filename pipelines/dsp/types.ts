// Shared shapes of what pipelines/dsp produces: per-speaker window features and two-speaker
// dynamics. Pure types, no I/O. The emotion classifier, the services and the store read these.

/** Audio encodings the DSP stage accepts (G.711 per ITU-T G.711). */
export type Codec = 'linear16' | 'pcmu' | 'pcma' | 'float32';

export interface AudioFormat {
  codec: Codec;
  sampleRateHz: number;
}

export type Channel = 'agent' | 'customer';

/** Speech-rate measures over one window (syllable nuclei). */
export interface PaceFeatures {
  /** Syllables per second over the whole window. */
  syllableRate: number;
  /** Syllables per second of speech (pauses excluded). */
  articulationRate: number;
  /** Share of the window that is pause between speech, 0..1. */
  pauseRatio: number;
  meanPauseMs: number;
}

/** Pitch statistics over the voiced frames of a window; semitones re 27.5 Hz (eGeMAPS convention). */
export interface PitchFeatures {
  medianHz: number;
  medianSt: number;
  meanSt: number;
  stdSt: number;
  /** p95 - p5 in semitones. */
  rangeSt: number;
  /** Least-squares slope of the voiced contour, semitones per second. */
  slopeStPerS: number;
}

export interface LoudnessFeatures {
  meanDbfs: number;
  stdDb: number;
  peakDbfs: number;
}

export interface VoiceQualityFeatures {
  jitterPct: number;
  shimmerPct: number;
  shimmerDb: number;
  hnrDb: number;
  alphaRatioDb: number;
  hammarbergDb: number;
  spectralSlope: number;
}

/** A window's measures of one speaker; the features record (va.features.v1) carries them as they are. */
export interface WindowMeasures {
  speechFraction: number;
  voicedFraction: number;
  pace: PaceFeatures;
  pitch: PitchFeatures;
  loudness: LoudnessFeatures;
  voiceQuality: VoiceQualityFeatures;
  /** Documented vocal-tension index, 0..1. */
  tensionIndex: number;
}

/** One speaker's features over one analysis window (default 2 s window, 1 s hop). */
export interface SpeakerWindow extends WindowMeasures {
  windowIndex: number;
  startMs: number;
  endMs: number;
  /**
   * Fixed-order vector of functionals for the emotion model (names in FUNCTIONAL_NAMES of
   * pipelines/dsp/functionals.ts). NaN where a value is undefined (e.g. no voiced frames).
   */
  functionals: Float64Array;
  /**
   * Some of the window's audio was on hold (the platform's CallHold): music or silence on hold,
   * not this speaker. Absent = not on hold.
   */
  onHold?: boolean;
}

/** Conversational dynamics of a two-speaker call over one window. */
export interface DynamicsWindow {
  windowIndex: number;
  startMs: number;
  endMs: number;
  overtalkCount: number;
  overtalkMs: number;
  mutualSilenceMs: number;
  longestMutualSilenceMs: number;
  /** Agent speech / (agent + customer speech), 0..1; NaN when nobody spoke. */
  talkRatioAgent: number;
  /** Latencies (ms) of turns taken in this window after the other speaker stopped. */
  agentResponseLatencyMs: number[];
  customerResponseLatencyMs: number[];
  /**
   * Audio of the window on hold (ms; either channel's frames on hold). Hold is not mutual
   * silence: those frames count in neither mutualSilenceMs nor longestMutualSilenceMs. Absent = 0.
   */
  holdMs?: number;
  /**
   * Audio of the window during which the customer's line is suspected one-way (ms): she has not
   * been heard for 20 s while the agent spoke and paused for answers (line-watch.ts). Such a
   * window has no talk ratio (NaN): who talked more is unknown on a line that carries one side.
   * Absent = 0.
   */
  customerLineFaultMs?: number;
}
