// Full-band audio -> telephone channel: band-limited resampling to 8 kHz, 300-3400 Hz band-pass,
// G.711 µ-law / A-law or 16-bit LE PCM encoding. Pure, no I/O.

import { encodeALaw, encodeLinear16, encodeMuLaw } from './codecs.ts';
import { DspError } from './errors.ts';
import { telephoneBandPass } from './filters.ts';
import { resample } from './resample.ts';

export function toTelephoneBand(
  samples: Float32Array,
  sampleRateHz: number,
  codec: 'pcmu' | 'pcma' | 'linear16',
): Uint8Array {
  if (!Number.isFinite(sampleRateHz) || sampleRateHz < 4000 || sampleRateHz > 384000) {
    throw new DspError('UNSUPPORTED_SAMPLE_RATE', `unsupported sample rate ${sampleRateHz}`);
  }
  const at8k = sampleRateHz === 8000 ? Float32Array.from(samples) : resample(samples, sampleRateHz, 8000);
  const band = telephoneBandPass(at8k, 8000);
  if (codec === 'pcmu') return encodeMuLaw(band);
  if (codec === 'pcma') return encodeALaw(band);
  if (codec === 'linear16') return encodeLinear16(band);
  throw new DspError('UNSUPPORTED_CODEC', `unsupported telephone codec ${String(codec)}`);
}
