// Streaming FIR decimator (linear-phase windowed-sinc low-pass, Kaiser β 8, then keep every
// `factor`-th sample) feeding the pitch analysis at 4 kHz: pitch candidates only need the
// harmonics below 2 kHz, and a 4 kHz autocorrelation costs a quarter of an 8 kHz one.
// Pure, no I/O, no allocation after construction, no state: it reads its history from the
// caller's sample ring.

import { shared } from './scratch.ts';

export interface Decimator {
  readonly factor: number;
  /** Group delay in INPUT samples (a multiple of factor). */
  readonly delay: number;
  /**
   * Decimates the input samples src[j & srcMask], j in [from, from + count) (absolute indices;
   * the ring must also hold the taps − 1 samples before `from`, zeros before the stream start):
   * output m, on input m·factor, goes to out[m & outMask]. Stateless: the input ring is the
   * filter history, so streamed blocks of any size give the same outputs.
   */
  decimate(
    src: Float32Array,
    srcMask: number,
    from: number,
    count: number,
    out: Float32Array,
    outMask: number,
  ): void;
}

function kernel(factor: number, taps: number): Float64Array {
  return shared(`decimator:${factor}:${taps}`, () => {
    const h = new Float64Array(taps);
    const fc = 0.45 / factor; // cycles per input sample: pass band up to 0.9 × new Nyquist
    const mid = (taps - 1) / 2;
    const i0 = (x: number): number => {
      let s = 1;
      let t = 1;
      for (let k = 1; k < 30; k++) {
        t *= (x / (2 * k)) ** 2;
        s += t;
      }
      return s;
    };
    let sum = 0;
    for (let n = 0; n < taps; n++) {
      const m = n - mid;
      const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m);
      const u = m / mid;
      h[n] = sinc * (i0(8 * Math.sqrt(Math.max(0, 1 - u * u))) / i0(8));
      sum += h[n];
    }
    for (let n = 0; n < taps; n++) h[n] /= sum;
    return h;
  });
}

export function createDecimator(factor: number): Decimator {
  // 4 output periods on each side; (taps − 1) / 2 is a multiple of factor.
  const taps = 8 * factor + 1;
  const kernelTaps = kernel(factor, taps);
  const half = (taps - 1) / 2;

  const decimate: Decimator['decimate'] = (src, srcMask, from, count, out, outMask) => {
    const h = kernelTaps; // locals, not closure slots (kept in registers)
    const f = factor;
    const end = from + count;
    // First input at or after `from` that carries an output (inputs 0, f, 2f, …).
    let j = Math.ceil(from / f) * f;
    // Output at input j: Σ h[n]·x[j − taps + 1 + n] (oldest first; h is symmetric, so pairs
    // x[j − taps + 1 + n] + x[j − n] share a tap). Two outputs per pass: independent sums.
    for (; j + f < end; j += 2 * f) {
      const b0 = j - taps + 1;
      const b1 = b0 + f;
      let acc0 = h[half] * src[(b0 + half) & srcMask];
      let acc1 = h[half] * src[(b1 + half) & srcMask];
      for (let n = 0; n < half; n++) {
        acc0 += h[n] * (src[(b0 + n) & srcMask] + src[(j - n) & srcMask]);
        acc1 += h[n] * (src[(b1 + n) & srcMask] + src[(j + f - n) & srcMask]);
      }
      out[(j / f) & outMask] = acc0;
      out[(j / f + 1) & outMask] = acc1;
    }
    for (; j < end; j += f) {
      const b0 = j - taps + 1;
      let acc = h[half] * src[(b0 + half) & srcMask];
      for (let n = 0; n < half; n++) acc += h[n] * (src[(b0 + n) & srcMask] + src[(j - n) & srcMask]);
      out[(j / f) & outMask] = acc;
    }
  };

  return { factor, delay: half, decimate };
}
