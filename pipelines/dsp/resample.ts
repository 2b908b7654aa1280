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

  function append(input: Float32Array): void {
    if (filled + input.length > buf.length) {
      // Drop history no output needs any more, then grow if still short.
      const needFrom = Math.floor((nextOut * fromHz) / toHz) - half + 1 - base;
      const drop = Math.max(0, Math.min(needFrom, filled));
      if (drop > 0) {
        buf.copyWithin(0, drop, filled);
        filled -= drop;
        base += drop;
      }
      if (filled + input.length > buf.length) {
        const bigger = new Float32Array(Math.max(buf.length * 2, filled + input.length));
        bigger.set(buf.subarray(0, filled));
        buf = bigger;
      }
    }
    buf.set(input, filled);
    filled += input.length;
  }

  function produce(limitInput: number): Float32Array {
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
    return out.subarray(0, k);
  }

  let total = 0;
  return {
    push(input) {
      append(input);
      total += input.length;
      return produce(base + filled);
    },
    flush() {
      // Zero tail so the last outputs see a full kernel; emit outputs up to the input's end.
      const last = Math.floor((total * toHz) / fromHz); // outputs with instant < total
      append(new Float32Array(taps + 1));
      const res = produce(base + filled);
      const keep = Math.max(0, Math.min(res.length, last - (nextOut - res.length)));
      return res.subarray(0, keep);
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
