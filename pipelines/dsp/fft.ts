// Preallocated radix-2 real FFT (N real samples -> N/2+1 complex bins) and its inverse for
// real, even spectra. Pure, no I/O, no allocation after construction.
// Method: an N/2-point complex FFT of the even/odd-packed signal, then the split step
// (Cooley & Tukey 1965; real-input packing as in Press et al., Numerical Recipes §12.3).

export interface RealFft {
  readonly size: number;
  /** Forward transform of `input` (length size). Writes re/im of bins 0..size/2. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void;
  /**
   * Inverse of a real, even spectrum given as power values p[0..size/2]
   * (imaginary parts zero): out[n] = (1/size) sum_k p[k] e^{+2πikn/size}. Used for autocorrelation.
   */
  inverseEvenReal(power: Float64Array, out: Float64Array): void;
}

export function createRealFft(size: number): RealFft {
  if (size < 4 || (size & (size - 1)) !== 0)
    throw new RangeError(`FFT size ${size} is not a power of two >= 4`);
  const half = size >> 1;
  const bitrevBuf = new Uint32Array(half);
  const bitrev = bitrevBuf;
  const bits = Math.log2(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    bitrev[i] = r;
  }
  // Per-stage twiddles of the half-size complex FFT, contiguous: stage `len` uses
  // tw[len/2 - 1 + k] = e^{-2πik/len}, k < len/2 (no strided table lookups in the inner loop).
  const twrBuf = new Float64Array(half);
  const twiBuf = new Float64Array(half);
  const halfSize = half;
  const log2Half = Math.round(Math.log2(half));
  for (let len = 2; len <= half; len <<= 1) {
    const h = len >> 1;
    for (let k = 0; k < h; k++) {
      twrBuf[h - 1 + k] = Math.cos((2 * Math.PI * k) / len);
      twiBuf[h - 1 + k] = -Math.sin((2 * Math.PI * k) / len);
    }
  }
  const cosN = new Float64Array(half);
  const sinN = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    cosN[i] = Math.cos((2 * Math.PI * i) / size);
    sinN[i] = -Math.sin((2 * Math.PI * i) / size);
  }
  const zrBuf = new Float64Array(half);
  const ziBuf = new Float64Array(half);
  const zr = zrBuf;
  const zi = ziBuf;

  /** In-place complex FFT of zr/zi (sign −1 forward, +1 inverse without scaling). */
  function complexFft(sign: number): void {
    // Locals, not closure slots: lets the JIT keep the arrays in registers.
    const zr = zrBuf;
    const zi = ziBuf;
    const twr = twrBuf;
    const twi = twiBuf;
    const bitrev = bitrevBuf;
    const half = halfSize;
    for (let i = 0; i < half; i++) {
      const j = bitrev[i];
      if (j > i) {
        let t = zr[i];
        zr[i] = zr[j];
        zr[j] = t;
        t = zi[i];
        zi[i] = zi[j];
        zi[j] = t;
      }
    }
    // Radix-2 stages merged in pairs (radix-4 butterflies: stage 2m then 4m, the second
    // stage's odd twiddle is w·(∓i), free): half the loads and stores of plain radix-2.
    let m = 1;
    if (log2Half % 2 === 1) {
      for (let a = 0; a < half; a += 2) {
        const tr = zr[a + 1];
        const ti = zi[a + 1];
        zr[a + 1] = zr[a] - tr;
        zi[a + 1] = zi[a] - ti;
        zr[a] += tr;
        zi[a] += ti;
      }
      m = 2;
    }
    for (; 4 * m <= half; m *= 4) {
      const off2 = m - 1; // twiddles of stage length 2m
      const off4 = 2 * m - 1; // twiddles of stage length 4m
      for (let k = 0; k < m; k++) {
        const w2r = twr[off2 + k];
        const w2i = sign < 0 ? twi[off2 + k] : -twi[off2 + k];
        const w4r = twr[off4 + k];
        const w4i = sign < 0 ? twi[off4 + k] : -twi[off4 + k];
        for (let s0 = k; s0 < half; s0 += 4 * m) {
          const a1 = s0 + m;
          const a2 = a1 + m;
          const a3 = a2 + m;
          // Stage 2m on (a0, a1) and (a2, a3).
          const x1r = zr[a1] * w2r - zi[a1] * w2i;
          const x1i = zr[a1] * w2i + zi[a1] * w2r;
          const x3r = zr[a3] * w2r - zi[a3] * w2i;
          const x3i = zr[a3] * w2i + zi[a3] * w2r;
          const b0r = zr[s0] + x1r;
          const b0i = zi[s0] + x1i;
          const b1r = zr[s0] - x1r;
          const b1i = zi[s0] - x1i;
          const b2r = zr[a2] + x3r;
          const b2i = zi[a2] + x3i;
          const b3r = zr[a2] - x3r;
          const b3i = zi[a2] - x3i;
          // Stage 4m on (a0, a2) with w4 and (a1, a3) with w4·(∓i).
          const u2r = b2r * w4r - b2i * w4i;
          const u2i = b2r * w4i + b2i * w4r;
          let u3r = b3r * w4r - b3i * w4i;
          let u3i = b3r * w4i + b3i * w4r;
          if (sign < 0) {
            const t = u3r;
            u3r = u3i; // (u)(−i) = u.i − i u.r
            u3i = -t;
          } else {
            const t = u3r;
            u3r = -u3i; // (u)(+i)
            u3i = t;
          }
          zr[s0] = b0r + u2r;
          zi[s0] = b0i + u2i;
          zr[a2] = b0r - u2r;
          zi[a2] = b0i - u2i;
          zr[a1] = b1r + u3r;
          zi[a1] = b1i + u3i;
          zr[a3] = b1r - u3r;
          zi[a3] = b1i - u3i;
        }
      }
    }
  }

  function forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    for (let i = 0; i < half; i++) {
      zr[i] = input[2 * i];
      zi[i] = input[2 * i + 1];
    }
    complexFft(-1);
    // Split: X[k] = (Z[k] + conj Z[N/2-k])/2 + W^k (Z[k] - conj Z[N/2-k])/(2i)
    re[0] = zr[0] + zi[0];
    im[0] = 0;
    re[half] = zr[0] - zi[0];
    im[half] = 0;
    for (let k = 1; k < half; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[half - k];
      const bi = -zi[half - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = cosN[k];
      const wi = sinN[k];
      re[k] = er + (or * wr - oi * wi);
      im[k] = ei + (or * wi + oi * wr);
    }
  }

  function inverseEvenReal(power: Float64Array, out: Float64Array): void {
    // Build Z[k] = E[k] + i W^{-k} O[k] for the packed inverse, with X real and even.
    for (let k = 0; k < half; k++) {
      const xr = power[k];
      const yr = power[half - k];
      // E = (X[k] + conj X[N/2-k]) / 2 ; O = (X[k] - conj X[N/2-k]) / 2 * W^{-k}
      const er = 0.5 * (xr + yr);
      const dr = 0.5 * (xr - yr);
      const wr = cosN[k];
      const wi = -sinN[k];
      const orr = dr * wr;
      const oi = dr * wi;
      zr[k] = er - oi;
      zi[k] = orr;
    }
    complexFft(1);
    const scale = 1 / half;
    for (let i = 0; i < half; i++) {
      out[2 * i] = zr[i] * scale;
      out[2 * i + 1] = zi[i] * scale;
    }
  }

  return { size, forward, inverseEvenReal };
}
