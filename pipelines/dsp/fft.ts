// Preallocated real FFT (N real samples -> N/2+1 complex bins) and its inverse for real, even
// spectra. Pure, no I/O, no allocation after construction.
// Method: an N/2-point complex FFT of the even/odd-packed signal, then the split step
// (Cooley & Tukey 1965; real-input packing as in Press et al., Numerical Recipes §12.3). The
// complex FFT is decimation in time: the packing loop writes straight into bit-reversed order
// (no swap pass; with an odd stage count it also does the first radix-2 stage), then radix-4
// passes with three complex multiplications per butterfly (twiddles W^k, W^2k, W^3k, none for
// k = 0; Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., §9.5). The inverse of a real, even spectrum is a
// DCT-I, computed with a real FFT of half the size (Numerical Recipes §12.3, cosft1).
// Tables and scratch are shared by every size and instance (see below). No allocation per call.

export interface RealFft {
  readonly size: number;
  /** Forward transform of `input` (length size). Writes re/im of bins 0..size/2. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void;
  /**
   * Inverse of a real, even spectrum given as power values p[0..size/2]
   * (imaginary parts zero): out[n] = (1/size) sum_k p[k] e^{+2πikn/size}. Used for autocorrelation.
   * Only out[0..lags) is guaranteed written (default: all; lags ≤ size/2 + 1 skips the mirror).
   */
  inverseEvenReal(power: Float64Array, out: Float64Array, lags?: number): void;
}

/** Largest transform size (frames up to 200 ms at 16 kHz need 4096). */
export const MAX_FFT_SIZE = 8192;
const MAX_HALF = MAX_FFT_SIZE >> 1;
const MAX_BITS = Math.round(Math.log2(MAX_HALF));

// Process-wide tables and scratch, module-level constants on purpose: V8 compiles a function
// that has one closure against its context's constants (no bounds re-checks on table bases),
// and typed arrays captured per instance lose that once two instances exist (measured: 3 FFTs
// per frame took 6 µs with per-instance closures, half of that with these shared tables).
// Every size reads the same tables: bit reversal of b bits is the MAX_BITS reversal shifted
// right by MAX_BITS − b; the radix-4 twiddles of a pass depend only on its span m; the split
// twiddles of each size are stored contiguously (CS below).
const BITREV = new Uint32Array(MAX_HALF);
for (let i = 0; i < MAX_HALF; i++) {
  let r = 0;
  for (let b = 0; b < MAX_BITS; b++) if (i & (1 << b)) r |= 1 << (MAX_BITS - 1 - b);
  BITREV[i] = r;
}
/** Pass of span m (points s, s+m, s+2m, s+3m) at TW[6(m−1) + 6k ...]: cos, sin of −2πjk/(4m), j = 1..3. */
const TW = new Float64Array(6 * MAX_HALF);
for (let m = 1; 4 * m <= MAX_HALF; m *= 2) {
  for (let k = 0; k < m; k++) {
    for (let j = 1; j <= 3; j++) {
      const a = (-2 * Math.PI * j * k) / (4 * m);
      TW[6 * (m - 1) + 6 * k + 2 * (j - 1)] = Math.cos(a);
      TW[6 * (m - 1) + 6 * k + 2 * (j - 1) + 1] = Math.sin(a);
    }
  }
}
/**
 * Split/DCT twiddles of each size N, contiguous (not strided through one big table: the loops
 * would touch a cache line per entry): CS[2(N/2 − 2 + k)] = cos(2πk/N), next −sin(2πk/N), k < N/2.
 */
const CS = new Float64Array(2 * MAX_FFT_SIZE);
for (let n = 4; n <= MAX_FFT_SIZE; n *= 2) {
  for (let k = 0; k < n / 2; k++) {
    CS[2 * (n / 2 - 2 + k)] = Math.cos((2 * Math.PI * k) / n);
    CS[2 * (n / 2 - 2 + k) + 1] = -Math.sin((2 * Math.PI * k) / n);
  }
}
// Scratch (transforms run synchronously to completion, so one set serves every instance).
const ZR = new Float64Array(MAX_HALF);
const ZI = new Float64Array(MAX_HALF);
const DCT_IN = new Float64Array(MAX_HALF >> 1);
const DCT_RE = new Float64Array((MAX_HALF >> 2) + 1);
const DCT_IM = new Float64Array((MAX_HALF >> 2) + 1);

/**
 * Radix-4 DIT butterfly on points s0..s3 given the twiddled inputs b (at s1, W^{2k}), c (at s2,
 * W^k) and d (at s3, W^{3k}); small enough for the JIT to inline.
 */
function butterfly(
  zr: Float64Array,
  zi: Float64Array,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  br: number,
  bi: number,
  cr: number,
  ci: number,
  dr: number,
  di: number,
): void {
  const ar = zr[s0];
  const ai = zi[s0];
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

/** True when log2(half) is odd (one radix-2 stage before the radix-4 passes). */
function oddStages(half: number): boolean {
  return Math.round(Math.log2(half)) % 2 === 1;
}

/**
 * In-place forward complex FFT of ZR/ZI[0..half), written in bit-reversed order. With an odd
 * number of radix-2 stages the first (twiddle-free) one is expected done by the loader:
 * `radix2Done` says so; otherwise it runs here.
 */
function complexFft(half: number, radix2Done: boolean): void {
  const zr = ZR;
  const zi = ZI;
  const tw = TW;
  let m = oddStages(half) ? 2 : 1;
  if (m === 2 && !radix2Done) {
    for (let a = 0; a < half; a += 2) {
      const tr = zr[a + 1];
      const ti = zi[a + 1];
      zr[a + 1] = zr[a] - tr;
      zi[a + 1] = zi[a] - ti;
      zr[a] += tr;
      zi[a] += ti;
    }
  }
  for (; 4 * m <= half; m *= 4) {
    const step = 4 * m;
    const o = 6 * (m - 1);
    for (let g = 0; g < half; g += step) {
      // k = 0: every twiddle is 1 (no multiplications).
      const g1 = g + m;
      const g2 = g1 + m;
      const g3 = g2 + m;
      butterfly(zr, zi, g, g1, g2, g3, zr[g1], zi[g1], zr[g2], zi[g2], zr[g3], zi[g3]);
      for (let k = 1; k < m; k++) {
        const t = o + 6 * k;
        const s0 = g + k;
        const s1 = s0 + m;
        const s2 = s1 + m;
        const s3 = s2 + m;
        // Radix-4 DIT butterfly; bit-reversed order puts the sub-DFT needing W^{2k} at s1.
        const c1 = tw[t];
        const d1 = tw[t + 1];
        const c2 = tw[t + 2];
        const d2 = tw[t + 3];
        const c3 = tw[t + 4];
        const d3 = tw[t + 5];
        const br = zr[s1] * c2 - zi[s1] * d2;
        const bi = zr[s1] * d2 + zi[s1] * c2;
        const cr = zr[s2] * c1 - zi[s2] * d1;
        const ci = zr[s2] * d1 + zi[s2] * c1;
        const dr = zr[s3] * c3 - zi[s3] * d3;
        const di = zr[s3] * d3 + zi[s3] * c3;
        butterfly(zr, zi, s0, s1, s2, s3, br, bi, cr, ci, dr, di);
      }
    }
  }
}

function forward(size: number, input: Float64Array, re: Float64Array, im: Float64Array): void {
  const half = size >> 1;
  const zr = ZR;
  const zi = ZI;
  const bitrev = BITREV;
  const shift = MAX_BITS - Math.round(Math.log2(half));
  if (oddStages(half)) {
    // Load and first radix-2 stage in one pass: bit-reversed slots j (even) and j + 1 hold
    // the complex samples i and i + half/2.
    const q = half >> 1;
    for (let i = 0; i < q; i++) {
      const j = bitrev[i] >>> shift;
      const ar = input[2 * i];
      const ai = input[2 * i + 1];
      const br = input[2 * (i + q)];
      const bi = input[2 * (i + q) + 1];
      zr[j] = ar + br;
      zi[j] = ai + bi;
      zr[j + 1] = ar - br;
      zi[j + 1] = ai - bi;
    }
    complexFft(half, true);
  } else {
    for (let i = 0; i < half; i++) {
      const j = bitrev[i] >>> shift;
      zr[j] = input[2 * i];
      zi[j] = input[2 * i + 1];
    }
    complexFft(half, false);
  }
  const cs = CS;
  const tb = size - 4; // 2 (size/2 − 2)
  // Split: X[k] = (Z[k] + conj Z[N/2-k])/2 + W^k (Z[k] - conj Z[N/2-k])/(2i)
  re[0] = zr[0] + zi[0];
  im[0] = 0;
  re[half] = zr[0] - zi[0];
  im[half] = 0;
  // Bins k and N/2 − k share their terms: E' = conj E and O' = conj O (sign flips, exact in
  // floating point), so both bins come from one pair of loads.
  const q = half >> 1;
  for (let k = 1; k <= q; k++) {
    const ar = zr[k];
    const ai = zi[k];
    const br = zr[half - k];
    const bi = -zi[half - k];
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const wr = cs[tb + 2 * k];
    const wi = cs[tb + 2 * k + 1];
    re[k] = er + (or * wr - oi * wi);
    im[k] = ei + (or * wi + oi * wr);
    if (k === q) break;
    // Bin half − k: E' = (er, −ei), O' = (or, −oi).
    const vr = cs[tb + 2 * (half - k)];
    const vi = cs[tb + 2 * (half - k) + 1];
    re[half - k] = er + (or * vr + oi * vi);
    im[half - k] = -ei + (or * vi - oi * vr);
  }
}

/** DCT-I route: Y[t] = ½(p0 + (−1)^t pM) + Σ_{k=1}^{M−1} p_k cos(πkt/M), M = size/2; out[t] = Y[t]/M. */
function inverseEvenReal(size: number, power: Float64Array, out: Float64Array, lags: number): void {
  const M = size >> 1;
  if (M < 4) {
    inversePacked(size, power, out);
    return;
  }
  const q = M >> 1;
  const y = DCT_IN;
  const cs = CS;
  const tb = size - 4;
  y[0] = 0.5 * (power[0] + power[M]);
  let sum = 0.5 * (power[0] - power[M]);
  for (let j = 1; j < q; j++) {
    const a = power[j];
    const b = power[M - j];
    const y1 = 0.5 * (a + b);
    const y2 = a - b;
    const wi = -cs[tb + 2 * j + 1]; // sin(πj/M)
    y[j] = y1 - wi * y2;
    y[M - j] = y1 + wi * y2;
    sum += cs[tb + 2 * j] * y2;
  }
  y[q] = power[q];
  const hr = DCT_RE;
  const hi = DCT_IM;
  forward(M, y, hr, hi);
  const scale = 1 / M;
  out[0] = hr[0] * scale;
  out[M] = hr[q] * scale;
  out[1] = sum * scale;
  // Odd terms: running sum of the imaginary parts (sign flipped: cosft1 uses e^{+i}).
  for (let m = 1; m < q; m++) {
    out[2 * m] = hr[m] * scale;
    sum -= hi[m];
    out[2 * m + 1] = sum * scale;
  }
  // Mirror out[size − t] = out[t], only where size − t < lags.
  for (let t = Math.max(1, size - lags + 1); t < M; t++) out[size - t] = out[t];
}

/** Size-point packed inverse (sizes too small for the DCT route): IFFT(z) = conj(FFT(conj z)). */
function inversePacked(size: number, power: Float64Array, out: Float64Array): void {
  const half = size >> 1;
  const shift = MAX_BITS - Math.round(Math.log2(half));
  const tb = size - 4;
  for (let k = 0; k < half; k++) {
    const xr = power[k];
    const yr = power[half - k];
    // Z[k] = E[k] + i W^{-k} O[k], E = (X[k] + X[N/2-k]) / 2, O = (X[k] - X[N/2-k]) / 2; conjugated.
    const dr = 0.5 * (xr - yr);
    const j = BITREV[k] >>> shift;
    ZR[j] = 0.5 * (xr + yr) + dr * CS[tb + 2 * k + 1];
    ZI[j] = -(dr * CS[tb + 2 * k]);
  }
  complexFft(half, false);
  const scale = 1 / half;
  for (let i = 0; i < half; i++) {
    out[2 * i] = ZR[i] * scale;
    out[2 * i + 1] = -ZI[i] * scale;
  }
}

export function createRealFft(size: number): RealFft {
  if (size < 4 || size > MAX_FFT_SIZE || (size & (size - 1)) !== 0)
    throw new RangeError(`FFT size ${size} is not a power of two in [4, ${MAX_FFT_SIZE}]`);
  return {
    size,
    forward: (input, re, im) => forward(size, input, re, im),
    inverseEvenReal: (power, out, lags = size) => inverseEvenReal(size, power, out, lags),
  };
}
