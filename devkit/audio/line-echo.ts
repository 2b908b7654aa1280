// A network (hybrid) echo of one channel added to the other, as ITU-T G.168 tests echo
// cancellers: the talker's signal delayed by the echo path (8-64 ms), attenuated by the echo
// return loss (ERL, 6 dB at least, 15-30 dB typical), optionally through a short dispersive
// impulse response (G.168 Annex D models hybrids by a few ms of decaying taps). Deterministic
// (seeded); pure, no I/O. For tests and measurements only: the pipeline never imports devkit/.
import { rng } from './test-signals.ts';

export interface LineEcho {
  /** Pure delay of the echo path (ms). */
  delayMs: number;
  /** Echo return loss: how far below the talker the echo is (dB, power). */
  erlDb: number;
  /** Dispersion after the delay (ms): 0 is a pure delayed copy. */
  dispersionMs?: number;
  seed?: number;
}

/** The echo path's impulse response at `sampleRateHz`: unit energy, so the ERL holds for white input. */
export function echoImpulseResponse(echo: LineEcho, sampleRateHz: number): Float32Array {
  const delay = Math.round((echo.delayMs * sampleRateHz) / 1000);
  const spread = Math.max(1, Math.round(((echo.dispersionMs ?? 0) * sampleRateHz) / 1000));
  const h = new Float32Array(delay + spread);
  const rand = rng(echo.seed ?? 7);
  // Decaying taps of alternating sign, as a hybrid's band-pass response looks (G.168 Annex D).
  let energy = 0;
  for (let n = 0; n < spread; n++) {
    const tap = spread === 1 ? 1 : (n % 2 === 0 ? 1 : -1) * Math.exp(-n / (spread / 3)) * (0.5 + rand());
    h[delay + n] = tap;
    energy += tap * tap;
  }
  const gain = 10 ** (-echo.erlDb / 20) / Math.sqrt(energy);
  for (let n = delay; n < h.length; n++) h[n] *= gain;
  return h;
}

/** `near` with `far`'s echo added (same rate and length as `near`), clipped to ±1 like a codec. */
export function withLineEcho(
  near: Float32Array,
  far: Float32Array,
  echo: LineEcho,
  sampleRateHz: number,
): Float32Array {
  const h = echoImpulseResponse(echo, sampleRateHz);
  const first = h.findIndex((v) => v !== 0);
  const out = new Float32Array(near.length);
  for (let i = 0; i < near.length; i++) {
    let y = near[i];
    for (let k = first; k < h.length && k <= i; k++) if (i - k < far.length) y += h[k] * far[i - k];
    out[i] = Math.max(-1, Math.min(1, y));
  }
  return out;
}

/**
 * The echo conditions the evals run (eval:echo, eval:line): delays 8/32/64 ms by echo return
 * losses 15/20/30 dB, and one dispersive path.
 */
export const G168_CONDITIONS: readonly (LineEcho & { name: string })[] = [
  ...[8, 32, 64].flatMap((delayMs) =>
    [15, 20, 30].map((erlDb) => ({ name: `${erlDb}dB-${delayMs}ms`, delayMs, erlDb })),
  ),
  { name: '20dB-32ms-dispersive4ms', delayMs: 32, erlDb: 20, dispersionMs: 4 },
];
