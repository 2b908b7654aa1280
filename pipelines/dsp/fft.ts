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
  const bitrev = new Uint32Array(half);
  const bits = Math.log2(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    bitrev[i] = r;
  }
  // Twiddles for the half-size complex FFT and for the real split step.
  const cosH = new Float64Array(half >> 1 || 1);
  const sinH = new Float64Array(half >> 1 || 1);
  for (let i = 0; i < half >> 1; i++) {
    cosH[i] = Math.cos((2 * Math.PI * i) / half);
    sinH[i] = -Math.sin((2 * Math.PI * i) / half);
  }
  const cosN = new Float64Array(half);
  const sinN = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    cosN[i] = Math.cos((2 * Math.PI * i) / size);
    sinN[i] = -Math.sin((2 * Math.PI * i) / size);
  }
  const zr = new Float64Array(half);
  const zi = new Float64Array(half);

  /** In-place complex FFT of zr/zi (sign -1 forward, +1 inverse without scaling). */
  function complexFft(sign: number): void {
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
    for (let len = 2; len <= half; len <<= 1) {
      const h = len >> 1;
      const step = half / len;
      for (let start = 0; start < half; start += len) {
        for (let k = 0; k < h; k++) {
          const wr = cosH[k * step];
          const wi = -sign * sinH[k * step];
          const a = start + k;
          const b = a + h;
          const tr = zr[b] * wr - zi[b] * wi;
          const ti = zr[b] * wi + zi[b] * wr;
          zr[b] = zr[a] - tr;
          zi[b] = zi[a] - ti;
          zr[a] += tr;
          zi[a] += ti;
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
