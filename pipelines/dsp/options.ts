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
  /** Rate the features are computed at: 8 or 16 kHz (other rates are resampled). */
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

/** 8 and 16 kHz natively; higher rates down to 16 kHz, rates in between or lower to 8 kHz. */
export function analysisRateFor(sampleRateHz: number): number {
  if (sampleRateHz === 8000 || sampleRateHz === 16000) return sampleRateHz;
  return sampleRateHz > 16000 ? 16000 : 8000;
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
    pitchMaxHz: Math.min(pitchMaxHz, analysisRateFor(rate) / 4),
  };
}
