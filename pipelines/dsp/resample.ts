// Band-limited sample-rate conversion for any pair of rates: a streaming polyphase
// windowed-sinc interpolator (Kaiser window, beta 8.6 ≈ 86 dB stop band; Smith, "Digital Audio
// Resampling", CCRMA 2002). Pure, no I/O; the streaming form gives the same output for any chunking.

const ZERO_CROSSINGS = 16;
const PHASES = 256;
const KAISER_BETA = 8.6;
/** Pass band edge as a share of the lower Nyquist frequency (the rest is transition band). */
const ROLLOFF = 0.92;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

interface Kernel {
  half: number; // taps each side
  table: Float32Array; // (PHASES + 1) rows of 2*half taps
}

const kernelCache = new Map<string, Kernel>();

function kernelFor(fromHz: number, toHz: number): Kernel {
  const key = `${fromHz}:${toHz}`;
  const cached = kernelCache.get(key);
  if (cached) return cached;
  // Cut-off in cycles per input sample, below the lower of the two Nyquist frequencies.
  const fc = 0.5 * Math.min(1, toHz / fromHz) * ROLLOFF;
  const halfWidth = ZERO_CROSSINGS / (2 * fc);
  const half = Math.ceil(halfWidth);
  const taps = 2 * half;
  const table = new Float32Array((PHASES + 1) * taps);
  const i0b = besselI0(KAISER_BETA);
  for (let p = 0; p <= PHASES; p++) {
    const frac = p / PHASES;
    for (let j = 0; j < taps; j++) {
      const t = j - half + 1 - frac; // distance from the output instant, input samples
      const u = t / halfWidth;
      let h = 0;
      if (Math.abs(u) < 1) {
        const x = 2 * fc * t;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        h = 2 * fc * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - u * u)) / i0b);
      }
      table[p * taps + j] = h;
    }
  }
  const kernel = { half, table };
  kernelCache.set(key, kernel);
  return kernel;
}

export interface StreamResampler {
  /** Feeds input samples; returns the output samples they complete (a view valid until next call). */
  push(input: Float32Array): Float32Array;
  /**
   * Feeds input[0, count) and returns how many output samples it completed, in output()[0, n):
   * push without a view per call (the channel analyzer's hot path).
   */
  pushCount(input: Float32Array, count: number): number;
  /** The buffer pushCount writes into (replaced when it grows; valid until the next call). */
  output(): Float32Array;
  /** End of stream: returns the remaining output samples. */
  flush(): Float32Array;
}

export function createStreamResampler(fromHz: number, toHz: number): StreamResampler {
  const { half, table } = kernelFor(fromHz, toHz);
  const taps = 2 * half;
  // Input history: buf[k] holds absolute input sample base + k.
  let buf = new Float32Array(4096);
  let base = -half; // start with `half` zeros of history before sample 0
  let filled = half;
  let nextOut = 0; // index of the next output sample
  let out = new Float32Array(1024);

  function append(input: Float32Array, count: number): void {
    if (filled + count > buf.length) {
      // Drop history no output needs any more, then grow if still short.
      const needFrom = Math.floor((nextOut * fromHz) / toHz) - half + 1 - base;
      const drop = Math.max(0, Math.min(needFrom, filled));
      if (drop > 0) {
        buf.copyWithin(0, drop, filled);
        filled -= drop;
        base += drop;
      }
      if (filled + count > buf.length) {
        const bigger = new Float32Array(Math.max(buf.length * 2, filled + count));
        bigger.set(buf.subarray(0, filled));
        buf = bigger;
      }
    }
    // Element by element, not buf.set(input.subarray(0, count)): no view per push.
    const b = buf;
    for (let i = 0; i < count; i++) b[filled + i] = input[i];
    filled += count;
  }

  // Integer decimation (16 -> 8 kHz, 48 -> 8 kHz, the product's usual rates since everything is
  // analysed at 8 kHz): every output instant is an input sample, table phase 0, so one row serves
  // every output and `decimate` computes them four at a time.
  const step = fromHz % toHz === 0 ? fromHz / toHz : 0;

  /** Computes the outputs the input held in buf completes into out[0, n); returns n. */
  function produce(limitInput: number): number {
    return step > 0 ? decimate(limitInput) : interpolate(limitInput);
  }

  /**
   * Four outputs per pass over the taps: independent sums the processor overlaps, each in the
   * one-output order, so every value is bit-identical to `interpolate`'s (phase 0, weight 0 on the
   * next row); about three times as fast.
   */
  function decimate(limitInput: number): number {
    // Room for every output of the input held in buf.
    const most = Math.ceil((limitInput - base) / step) + 1;
    if (out.length < most) out = new Float32Array(Math.max(out.length * 2, most));
    // Locals, not the closure's variables, in the hot loop.
    const x = buf;
    const h = table;
    const y = out;
    const n = taps;
    let k = 0;
    let i0 = nextOut * step;
    while (i0 + 3 * step + half < limitInput) {
      const s0 = i0 - half + 1 - base;
      const s1 = s0 + step;
      const s2 = s1 + step;
      const s3 = s2 + step;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let j = 0; j < n; j++) {
        const c = h[j];
        a0 += x[s0 + j] * c;
        a1 += x[s1 + j] * c;
        a2 += x[s2 + j] * c;
        a3 += x[s3 + j] * c;
      }
      y[k++] = a0;
      y[k++] = a1;
      y[k++] = a2;
      y[k++] = a3;
      i0 += 4 * step;
    }
    while (i0 + half < limitInput) {
      const s0 = i0 - half + 1 - base;
      let a0 = 0;
      for (let j = 0; j < n; j++) a0 += x[s0 + j] * h[j];
      y[k++] = a0;
      i0 += step;
    }
    nextOut += k;
    return k;
  }

  function interpolate(limitInput: number): number {
    let k = 0;
    for (;;) {
      const num = nextOut * fromHz;
      const i0 = Math.floor(num / toHz);
      if (i0 + half >= limitInput) break;
      const frac = (num - i0 * toHz) / toHz;
      const pf = frac * PHASES;
      const p = Math.floor(pf);
      const w = pf - p;
      const rowA = p * taps;
      const rowB = rowA + taps;
      const start = i0 - half + 1 - base;
      let accA = 0;
      let accB = 0;
      for (let j = 0; j < taps; j++) {
        const x = buf[start + j];
        accA += x * table[rowA + j];
        accB += x * table[rowB + j];
      }
      if (k >= out.length) {
        const bigger = new Float32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      out[k++] = accA + (accB - accA) * w;
      nextOut++;
    }
    return k;
  }

  let total = 0;

  function pushCount(input: Float32Array, count: number): number {
    append(input, count);
    total += count;
    return produce(base + filled);
  }

  return {
    push(input) {
      const n = pushCount(input, input.length); // first: it may replace `out`
      return out.subarray(0, n);
    },
    pushCount,
    output: () => out,
    flush() {
      // Zero tail so the last outputs see a full kernel; emit outputs up to the input's end.
      const last = Math.floor((total * toHz) / fromHz); // outputs with instant < total
      append(new Float32Array(taps + 1), taps + 1);
      const n = produce(base + filled);
      const keep = Math.max(0, Math.min(n, last - (nextOut - n)));
      return out.subarray(0, keep);
    },
  };
}

/** One-shot band-limited resampling (same kernel as the streaming form). */
export function resample(samples: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return samples.slice();
  const r = createStreamResampler(fromHz, toHz);
  const a = r.push(samples).slice();
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
