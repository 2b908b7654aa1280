// Sample codecs: G.711 µ-law and A-law (ITU-T G.711, segment/quantisation tables as in the
// reference implementation g711.c by Sun Microsystems), 16-bit LE PCM and LE float32.
// Pure, no I/O. Decoding sanitises: NaN/Inf -> 0, values clipped to [-1, 1].

import type { Codec } from './types.ts';
import { DspError } from './errors.ts';

const CODECS: readonly Codec[] = ['linear16', 'pcmu', 'pcma', 'float32'];

export function assertCodec(codec: unknown): Codec {
  if (typeof codec !== 'string' || !(CODECS as readonly string[]).includes(codec)) {
    throw new DspError(
      'UNSUPPORTED_CODEC',
      `unsupported codec ${String(codec)}; expected one of ${CODECS.join(', ')}`,
    );
  }
  return codec as Codec;
}

/** Bytes per sample of each codec. */
export function bytesPerSample(codec: Codec): number {
  return codec === 'linear16' ? 2 : codec === 'float32' ? 4 : 1;
}

function toInt16(x: number): number {
  if (!(x === x) || x === Infinity || x === -Infinity) return 0;
  const v = Math.round(x * 32768);
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** G.711 µ-law encoding of one 16-bit sample (g711.c linear2ulaw, 14-bit magnitude). */
export function linearToMuLaw(pcm: number): number {
  let mask = 0xff;
  let v = pcm;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > MULAW_CLIP) v = MULAW_CLIP;
  v += MULAW_BIAS;
  let seg = 0;
  for (let t = v >> 7; t > 1 && seg < 7; t >>= 1) seg++;
  const uval = (seg << 4) | ((v >> (seg + 3)) & 0x0f);
  return (uval ^ mask) & 0xff;
}

/** G.711 A-law encoding of one 16-bit sample (g711.c linear2alaw). */
export function linearToALaw(pcm: number): number {
  let mask: number;
  let v = pcm >> 3; // A-law works on 13-bit magnitudes
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  let seg = 0;
  for (let t = v >> 5; t > 0 && seg < 8; t >>= 1) seg++;
  if (seg >= 8) return (0x7f ^ mask) & 0xff;
  let aval = seg << 4;
  aval |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return (aval ^ mask) & 0xff;
}

function muLawToLinear(u: number): number {
  const x = ~u & 0xff;
  let t = ((x & 0x0f) << 3) + MULAW_BIAS;
  t <<= (x & 0x70) >> 4;
  return x & 0x80 ? MULAW_BIAS - t : t - MULAW_BIAS;
}

function aLawToLinear(a: number): number {
  const x = a ^ 0x55;
  let t = (x & 0x0f) << 4;
  const seg = (x & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return x & 0x80 ? t : -t;
}

/** Decode tables: byte -> float in [-1, 1). */
export const MULAW_TABLE: Float32Array = new Float32Array(256).map((_, i) => muLawToLinear(i) / 32768);
export const ALAW_TABLE: Float32Array = new Float32Array(256).map((_, i) => aLawToLinear(i) / 32768);

export function encodeMuLaw(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = linearToMuLaw(toInt16(samples[i]));
  return out;
}

export function decodeMuLaw(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_TABLE[bytes[i]];
  return out;
}

export function encodeALaw(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = linearToALaw(toInt16(samples[i]));
  return out;
}

export function decodeALaw(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_TABLE[bytes[i]];
  return out;
}

export function encodeLinear16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const v = toInt16(samples[i]);
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = (v >> 8) & 0xff;
  }
  return out;
}

export function encodeFloat32(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i], true);
  return out;
}

/**
 * Streaming byte decoder: keeps the bytes of an incomplete sample between chunks, so any split of
 * the byte stream decodes to the same samples. No allocation per call beyond a grow-only buffer.
 */
export interface StreamDecoder {
  /** Decodes `chunk`; returns a view of the decoded samples valid until the next call. */
  decode(chunk: Uint8Array): Float32Array;
  /**
   * Decodes chunk[from, to) into samples()[0, count) and returns count (no view allocated; the
   * hot path of the channel analyzer). Valid until the next call.
   */
  decodeRange(chunk: Uint8Array, from: number, to: number): number;
  /** The buffer decodeRange writes into (replaced when it grows). */
  samples(): Float32Array;
  /** Bytes of an incomplete trailing sample (dropped at end of stream). */
  pendingBytes(): number;
}

export function createStreamDecoder(codec: Codec): StreamDecoder {
  const width = bytesPerSample(codec);
  const carry = new Uint8Array(4);
  let carried = 0;
  let out = new Float32Array(512);
  const scratch = new DataView(new ArrayBuffer(4));

  function sampleFrom(b0: number, b1: number, b2: number, b3: number): number {
    if (codec === 'linear16') {
      const v = b0 | (b1 << 8);
      return (v >= 0x8000 ? v - 0x10000 : v) / 32768;
    }
    scratch.setUint8(0, b0);
    scratch.setUint8(1, b1);
    scratch.setUint8(2, b2);
    scratch.setUint8(3, b3);
    const f = scratch.getFloat32(0, true);
    if (!(f === f) || f === Infinity || f === -Infinity) return 0;
    return f > 1 ? 1 : f < -1 ? -1 : f;
  }

  function decodeRange(chunk: Uint8Array, from: number, to: number): number {
    const total = carried + (to - from);
    const n = Math.floor(total / width);
    if (out.length < n) out = new Float32Array(Math.max(n, out.length * 2));
    if (width === 1) {
      const table = codec === 'pcmu' ? MULAW_TABLE : ALAW_TABLE;
      const o = out;
      for (let i = from; i < to; i++) o[i - from] = table[chunk[i]];
      return to - from;
    }
    let k = 0;
    let i = from;
    if (carried > 0) {
      while (carried < width && i < to) carry[carried++] = chunk[i++];
      if (carried < width) return 0;
      out[k++] = sampleFrom(carry[0], carry[1], carry[2], carry[3]);
      carried = 0;
    }
    for (; i + width <= to; i += width) {
      out[k++] =
        width === 2
          ? sampleFrom(chunk[i], chunk[i + 1], 0, 0)
          : sampleFrom(chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]);
    }
    while (i < to) carry[carried++] = chunk[i++];
    return k;
  }

  function decode(chunk: Uint8Array): Float32Array {
    const n = decodeRange(chunk, 0, chunk.length); // first: it may replace `out`
    return out.subarray(0, n);
  }

  return { decode, decodeRange, samples: () => out, pendingBytes: () => carried };
}
