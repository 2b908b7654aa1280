// G.711 µ-law and A-law sample codecs (ITU-T G.711), used by the WAV reader and writer. Pure, no
// I/O. Algorithms follow the public-domain Sun Microsystems reference g711.c (segment search on the
// 13-bit A-law / 14-bit µ-law magnitude); decoding goes through 256-entry tables built once.

const SEG_A_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const SEG_U_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const U_BIAS = 0x21;
const U_CLIP = 8159;

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]) return i;
  return ends.length;
}

/** 16-bit linear sample -> µ-law byte. */
export function linearToMuLaw(pcm16: number): number {
  let v = pcm16 >> 2;
  let mask: number;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (v > U_CLIP) v = U_CLIP;
  v += U_BIAS;
  const seg = segment(v, SEG_U_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}

/** 16-bit linear sample -> A-law byte. */
export function linearToALaw(pcm16: number): number {
  let v = pcm16 >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_A_END);
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (v >> 1) & 0xf : (v >> seg) & 0xf);
  return aval ^ mask;
}

function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function aLawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function table(decode: (b: number) => number): Float32Array {
  const out = new Float32Array(256);
  for (let b = 0; b < 256; b++) out[b] = decode(b) / 32768;
  return out;
}

/** Byte -> sample in [-1, 1). */
export const MU_LAW_TABLE: Float32Array = table(muLawToLinear);
export const A_LAW_TABLE: Float32Array = table(aLawToLinear);
