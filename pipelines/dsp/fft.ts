// Preallocated real FFT (N real samples -> N/2+1 complex bins) and its inverse for real, even
// spectra. Pure, no I/O, no allocation after construction.
// Method: an N/2-point complex FFT of the even/odd-packed signal, then the split step
// (Cooley & Tukey 1965; real-input packing as in Press et al., Numerical Recipes §12.3). The
// complex FFT is decimation in time: the packing loop writes straight into bit-reversed order
// (no swap pass), one twiddle-free radix-2 or radix-4 pass, then radix-4 passes with three
// complex multiplications per butterfly (twiddles W^k, W^2k, W^3k; Oppenheim & Schafer,
// Discrete-Time Signal Processing, 3rd ed., §9.5). The inverse uses IFFT(z) = conj(FFT(conj z)).

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

/** Bit-reversal permutation of 0..n-1 (n a power of two). */
function bitReversal(n: number): Uint32Array {
  const rev = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    rev[i] = r;
  }
  return rev;
}

/**
 * Twiddles of the radix-4 passes, contiguous per pass: the pass of span m (butterfly points
 * s, s+m, s+2m, s+3m) uses W_{4m}^{jk}, j = 1..3, k < m, stored as 6 values per k.
 */
function radix4Twiddles(half: number, firstM: number): Float64Array {
  let total = 0;
  for (let m = firstM; 4 * m <= half; m *= 4) total += 6 * m;
  const tw = new Float64Array(Math.max(1, total));
  let o = 0;
  for (let m = firstM; 4 * m <= half; m *= 4) {
    for (let k = 0; k < m; k++) {
      for (let j = 1; j <= 3; j++) {
        const a = (-2 * Math.PI * j * k) / (4 * m);
        tw[o++] = Math.cos(a);
        tw[o++] = Math.sin(a);
      }
    }
  }
  return tw;
}

export function createRealFft(size: number): RealFft {
  if (size < 4 || (size & (size - 1)) !== 0)
    throw new RangeError(`FFT size ${size} is not a power of two >= 4`);
  const half = size >> 1;
  const bitrev = bitReversal(half);
  const log2Half = Math.round(Math.log2(half));
  // Odd number of radix-2 stages: the first one alone (twiddle-free), then radix-4 passes.
  const firstM = log2Half % 2 === 1 ? 2 : 1;
  const twBuf = radix4Twiddles(half, firstM);
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
  const halfN = half;

  /** In-place forward complex FFT of zr/zi, whose input was written in bit-reversed order. */
  function complexFft(): void {
    // Locals, not closure slots: lets the JIT keep the arrays in registers.
    const zr = zrBuf;
    const zi = ziBuf;
    const tw = twBuf;
    const half = halfN;
    let m: number;
    if (firstM === 2) {
      for (let a = 0; a < half; a += 2) {
        const tr = zr[a + 1];
        const ti = zi[a + 1];
        zr[a + 1] = zr[a] - tr;
        zi[a + 1] = zi[a] - ti;
        zr[a] += tr;
        zi[a] += ti;
      }
      m = 2;
    } else {
      m = 1;
    }
    let o = 0;
    for (; 4 * m <= half; m *= 4) {
      const step = 4 * m;
      for (let g = 0; g < half; g += step) {
        for (let k = 0; k < m; k++) {
          const t = o + 6 * k;
          const s0 = g + k;
          const s1 = s0 + m;
          const s2 = s1 + m;
          const s3 = s2 + m;
          // Radix-4 DIT butterfly: inputs s1, s2, s3 are the sub-DFTs whose outputs need
          // W^{2k}, W^k, W^{3k} (bit-reversed order puts the "2" sub-DFT at s1).
          const c1 = tw[t];
          const d1 = tw[t + 1];
          const c2 = tw[t + 2];
          const d2 = tw[t + 3];
          const c3 = tw[t + 4];
          const d3 = tw[t + 5];
          const ar = zr[s0];
          const ai = zi[s0];
          const br = zr[s1] * c2 - zi[s1] * d2;
          const bi = zr[s1] * d2 + zi[s1] * c2;
          const cr = zr[s2] * c1 - zi[s2] * d1;
          const ci = zr[s2] * d1 + zi[s2] * c1;
          const dr = zr[s3] * c3 - zi[s3] * d3;
          const di = zr[s3] * d3 + zi[s3] * c3;
          const e0r = ar + br;
          const e0i = ai + bi;
          const e1r = ar - br;
          const e1i = ai - bi;
          const f0r = cr + dr;
          const f0i = ci + di;
          // (c − d)·(−i)
          const f1r = ci - di;
          const f1i = dr - cr;
          zr[s0] = e0r + f0r;
          zi[s0] = e0i + f0i;
          zr[s2] = e0r - f0r;
          zi[s2] = e0i - f0i;
          zr[s1] = e1r + f1r;
          zi[s1] = e1i + f1i;
          zr[s3] = e1r - f1r;
          zi[s3] = e1i - f1i;
        }
      }
      o += 6 * m;
    }
  }

  function forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    for (let i = 0; i < half; i++) {
      const j = bitrev[i];
      zr[j] = input[2 * i];
      zi[j] = input[2 * i + 1];
    }
    complexFft();
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
    // Build Z[k] = E[k] + i W^{-k} O[k] for the packed inverse, with X real and even; stored
    // conjugated (forward FFT of conj Z = conj of the inverse).
    for (let k = 0; k < half; k++) {
      const xr = power[k];
      const yr = power[half - k];
      // E = (X[k] + conj X[N/2-k]) / 2 ; O = (X[k] - conj X[N/2-k]) / 2 * W^{-k}
      const dr = 0.5 * (xr - yr);
      const j = bitrev[k];
      zr[j] = 0.5 * (xr + yr) + dr * sinN[k];
      zi[j] = -(dr * cosN[k]);
    }
    complexFft();
    const scale = 1 / half;
    for (let i = 0; i < half; i++) {
      out[2 * i] = zr[i] * scale;
      out[2 * i + 1] = -zi[i] * scale;
    }
  }

  return { size, forward, inverseEvenReal };
}
