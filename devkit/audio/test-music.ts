// Synthetic hold music whose truth is known: a melody of held notes over changing chords, with an
// optional kick and snare, band-passed to the telephone band. Held notes are what the music gate
// (pipelines/dsp/music-gate.ts) hears; `vibratoCents` makes every note glide like a voice (its
// documented limit). Used by unit tests. Pure computation, no I/O.

import { bandPass, rng } from './test-signals.ts';

export interface MusicSpec {
  sampleRateHz: number;
  durationS: number;
  /** Seconds per melody note (default 0.4). */
  beatS?: number;
  /** Kick on every other beat, snare between (default true). */
  drums?: boolean;
  /** Sinusoidal vibrato depth, cents, at 5.5 Hz (default 0: held notes). */
  vibratoCents?: number;
  seed?: number;
}

const midiHz = (note: number): number => 440 * Math.pow(2, (note - 69) / 12);
const SCALE = [60, 62, 64, 65, 67, 69, 71, 72];
const CHORDS = [
  [48, 52, 55],
  [53, 57, 60],
  [55, 59, 62],
  [45, 48, 52],
];

/** Adds one note of 8 harmonics (1/h amplitudes) with 80 ms attack and release. */
function addNote(
  out: Float32Array,
  sr: number,
  startS: number,
  lengthS: number,
  hz: number,
  amp: number,
  vibrato: number,
): void {
  const i0 = Math.floor(startS * sr);
  const n = Math.min(Math.floor(lengthS * sr), out.length - i0);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    phase += (2 * Math.PI * hz * Math.pow(2, (vibrato * Math.sin(2 * Math.PI * 5.5 * t)) / 1200)) / sr;
    const env = Math.min(1, t / 0.08, (lengthS - t) / 0.08);
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    out[i0 + i] += amp * env * v;
  }
}

export function synthMusic(spec: MusicSpec): Float32Array {
  const sr = spec.sampleRateHz;
  const out = new Float32Array(Math.round(spec.durationS * sr));
  const rand = rng(spec.seed ?? 1);
  const beat = spec.beatS ?? 0.4;
  const vibrato = spec.vibratoCents ?? 0;
  let step = 4;
  for (let t = 0; t < spec.durationS; t += beat) {
    step = Math.max(0, Math.min(SCALE.length - 1, step + Math.floor(rand() * 5) - 2));
    addNote(out, sr, t, beat, midiHz(SCALE[step] + 12), 0.15, vibrato);
  }
  for (let t = 0, c = 0; t < spec.durationS; t += 2, c++) {
    for (const note of CHORDS[c % CHORDS.length]) addNote(out, sr, t, 2, midiHz(note), 0.06, vibrato);
  }
  if (spec.drums ?? true) {
    for (let b = 0; b * beat < spec.durationS; b++) {
      const i0 = Math.floor(b * beat * sr);
      for (let i = 0; i < 800 && i0 + i < out.length; i++) {
        const hit =
          b % 2 === 0
            ? 0.4 * Math.sin((2 * Math.PI * (60 + 80 * Math.exp(-i / 200)) * i) / sr) // kick
            : 0.3 * (rand() - 0.5); // snare
        out[i0 + i] += hit * Math.exp(-i / 300);
      }
    }
  }
  return bandPass(out, sr);
}
