// Streaming FIR decimator (linear-phase windowed-sinc low-pass, Kaiser β 8, then keep every
// `factor`-th sample) feeding the pitch analysis at 4 kHz: pitch candidates only need the
// harmonics below 2 kHz, and a 4 kHz autocorrelation costs a quarter of an 8 kHz one.
// Pure, no I/O, no allocation after construction.

import { shared } from './scratch.ts';

export interface Decimator {
  readonly factor: number;
  /** Group delay in INPUT samples (a multiple of factor). */
  readonly delay: number;
  /** Feeds one input sample; writes an output sample into ring[outCount & mask] every factor-th call. */
  push(x: number, ring: Float32Array, mask: number): void;
  /** Feeds src[(from + j) & srcMask], j < count: the same as `count` calls of push, in one loop. */
  pushBlock(
    src: Float32Array,
    srcMask: number,
    from: number,
    count: number,
    ring: Float32Array,
    mask: number,
  ): void;
  outCount(): number;
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
  const h = kernel(factor, taps);
  const hist = new Float32Array(2 * taps);
  const half = (taps - 1) / 2; // doubled history avoids modulo in the dot product
  // Outputs fall on input samples 0, f, 2f, …: output m is centred on input m·f − delay.
  // [write position in hist, phase, outputs produced] (small integers).
  const st = Float64Array.of(0, factor - 1, 0);

  const pushBlock: Decimator['pushBlock'] = (src, srcMask, from, count, ring, mask) => {
    const hs = hist; // locals, not closure slots (kept in registers)
    const k = h;
    let pos = st[0];
    let phase = st[1];
    let produced = st[2];
    for (let j = 0; j < count; j++) {
      const x = src[(from + j) & srcMask];
      hs[pos] = x;
      hs[pos + taps] = x;
      pos = pos + 1 === taps ? 0 : pos + 1;
      if (++phase < factor) continue;
      phase = 0;
      // hs[pos .. pos + taps) holds the last `taps` samples, oldest first; h is symmetric.
      let acc = k[half] * hs[pos + half];
      for (let n = 0; n < half; n++) acc += k[n] * (hs[pos + n] + hs[pos + taps - 1 - n]);
      ring[produced & mask] = acc;
      produced++;
    }
    st[0] = pos;
    st[1] = phase;
    st[2] = produced;
  };

  const one = new Float32Array(1);
  return {
    factor,
    delay: (taps - 1) / 2,
    push(x, ring, mask) {
      one[0] = x;
      pushBlock(one, 0, 0, 1, ring, mask);
    },
    pushBlock,
    outCount: () => st[2],
  };
}
