// Validation of analyzer options (typed DspError with a code). Pure, no I/O.

import { assertCodec } from './codecs.ts';
import { DspError } from './errors.ts';
import type { AudioFormat } from './types.ts';

export interface ChannelOptions {
  format: AudioFormat;
  windowMs?: number;
  windowHopMs?: number;
  frameMs?: number;
  hopMs?: number;
  pitchMinHz?: number;
  pitchMaxHz?: number;
}

export interface ResolvedOptions {
  format: AudioFormat;
  /** Rate the features are computed at: always ANALYSIS_RATE_HZ (other rates are resampled). */
  analysisRateHz: number;
  windowMs: number;
  windowHopMs: number;
  frameMs: number;
  hopMs: number;
  pitchMinHz: number;
  pitchMaxHz: number;
}

export const MIN_SAMPLE_RATE_HZ = 4000;
export const MAX_SAMPLE_RATE_HZ = 384000;

/**
 * Every input is analysed at 8 kHz: the pace models (syllable-model.ts, pace-model.ts) and the
 * emotion model were fitted on 8 kHz telephone audio (G.711 µ-law, 300-3400 Hz), so features of
 * other rates are only comparable after the same band-limited resampling (resample.ts) down, or
 * up, to it. Analysed at 16 kHz, wideband audio read faster (EmoDB pace r 0.72 against 0.93 at
 * 8 kHz) and calm EmoDB speakers showed `angry` in 44 of 158 windows against none at 8 kHz
 * (pipelines/dsp/README.md, Known limits). 16 kHz streams from contact-centre platforms mostly
 * carry narrowband PSTN audio upsampled anyway.
 */
export const ANALYSIS_RATE_HZ = 8000;

/** The rate input at `_sampleRateHz` is analysed at: ANALYSIS_RATE_HZ for every rate. */
export function analysisRateFor(_sampleRateHz: number): number {
  return ANALYSIS_RATE_HZ;
}

function num(name: string, v: unknown, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new DspError('INVALID_OPTIONS', `${name} must be a number in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

export function resolveOptions(o: ChannelOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null || typeof o.format !== 'object' || o.format === null) {
    throw new DspError('INVALID_OPTIONS', 'options.format is required');
  }
  const codec = assertCodec(o.format.codec);
  const rate = o.format.sampleRateHz;
  if (
    typeof rate !== 'number' ||
    !Number.isInteger(rate) ||
    rate < MIN_SAMPLE_RATE_HZ ||
    rate > MAX_SAMPLE_RATE_HZ
  ) {
    throw new DspError(
      'UNSUPPORTED_SAMPLE_RATE',
      `sample rate ${String(rate)} Hz not supported (integer ${MIN_SAMPLE_RATE_HZ}-${MAX_SAMPLE_RATE_HZ})`,
    );
  }
  const hopMs = num('hopMs', o.hopMs, 10, 2, 100);
  const frameMs = num('frameMs', o.frameMs, 25, hopMs, 200);
  const windowMs = num('windowMs', o.windowMs, 2000, 10 * hopMs, 60000);
  const windowHopMs = num('windowHopMs', o.windowHopMs, 1000, hopMs, windowMs);
  const pitchMinHz = num('pitchMinHz', o.pitchMinHz, 60, 30, 400);
  const pitchMaxHz = num('pitchMaxHz', o.pitchMaxHz, 500, pitchMinHz * 2, 1500);
  return {
    format: { codec, sampleRateHz: rate },
    analysisRateHz: analysisRateFor(rate),
    windowMs,
    windowHopMs,
    frameMs,
    hopMs,
    pitchMinHz,
    // 2000 Hz at 8 kHz, above the 1500 Hz the option allows, so the default 500 Hz is unaffected
    // (frame-analyzer.ts caps it again at a quarter of the pitch candidates' rate, 4 kHz mostly).
    pitchMaxHz: Math.min(pitchMaxHz, analysisRateFor(rate) / 4),
  };
}
