// Biquad IIR filters (RBJ Audio EQ Cookbook, Bristow-Johnson) and the 300-3400 Hz telephone
// band-pass (4th-order Butterworth high-pass + 4th-order Butterworth low-pass, ITU-T G.712 band).
// Pure, no I/O.

/** Q of the two sections of a 4th-order Butterworth filter: 1 / (2 cos(π/8)), 1 / (2 cos(3π/8)). */
const BUTTER4_Q = [0.5411961, 1.306563];

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export function lowPass(fc: number, q: number, fs: number): Biquad {
  const w = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const cw = Math.cos(w);
  const a0 = 1 + alpha;
  return {
    b0: (1 - cw) / 2 / a0,
    b1: (1 - cw) / a0,
    b2: (1 - cw) / 2 / a0,
    a1: (-2 * cw) / a0,
    a2: (1 - alpha) / a0,
  };
}

export function highPass(fc: number, q: number, fs: number): Biquad {
  const w = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const cw = Math.cos(w);
  const a0 = 1 + alpha;
  return {
    b0: (1 + cw) / 2 / a0,
    b1: -(1 + cw) / a0,
    b2: (1 + cw) / 2 / a0,
    a1: (-2 * cw) / a0,
    a2: (1 - alpha) / a0,
  };
}

/** Runs a cascade of biquads over `x` (direct form II transposed), returning a new array. */
export function filterCascade(x: Float32Array, sections: readonly Biquad[]): Float32Array {
  const y = Float32Array.from(x);
  for (const s of sections) {
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      const o = s.b0 * v + z1;
      z1 = s.b1 * v - s.a1 * o + z2;
      z2 = s.b2 * v - s.a2 * o;
      y[i] = o;
    }
  }
  return y;
}

/** 300-3400 Hz telephone band-pass at sample rate fs (upper edge clamped below Nyquist). */
export function telephoneBandPass(x: Float32Array, fs: number, lowHz = 300, highHz = 3400): Float32Array {
  const hi = Math.min(highHz, fs * 0.45);
  const sections = [
    highPass(lowHz, BUTTER4_Q[0], fs),
    highPass(lowHz, BUTTER4_Q[1], fs),
    lowPass(hi, BUTTER4_Q[0], fs),
    lowPass(hi, BUTTER4_Q[1], fs),
  ];
  return filterCascade(x, sections);
}
