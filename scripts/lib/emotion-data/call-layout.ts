// The call protocol of the emotion evaluation: one simulated call per speaker, its calm
// clips first (up to 20 s, at most two thirds of them so some calm clips are still judged later),
// then one block per emotion in a seeded random order, 400 ms between clips. Pure, no I/O.
import { createRng } from '../../../pipelines/emotion/train/rng.ts';
import type { Clip } from '../corpora/clip.ts';

export const GAP_MS = 400;
export const CALM_START_MAX_MS = 20_000;

export interface Segment {
  /** Index into the speaker's clip list. */
  clip: number;
  startMs: number;
  endMs: number;
  /** True for the calm start (the baseline's material: not scored). */
  calmStart: boolean;
}

/** FNV-1a of a string: a stable per-speaker seed. */
export function seedOf(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Block of a clip: its label, else its arousal (BAVED), calm clips of an unlabelled corpus 'calm'. */
export function blockOf(clip: Clip): string {
  return clip.label ?? (clip.calm ? 'calm' : (clip.arousal ?? 'unknown'));
}

/** Segments of one speaker's call; `durationsMs[i]` is the length of `clips[i]`. */
export function layoutCall(
  speaker: string,
  clips: readonly Clip[],
  durationsMs: readonly number[],
  seed: number,
): Segment[] {
  const rng = createRng(seedOf(speaker, seed));
  const calm = rng.shuffle(clips.flatMap((c, i) => (c.calm ? [i] : [])));
  const start: number[] = [];
  let startMs = 0;
  const maxStart = Math.floor((2 * calm.length) / 3);
  for (const i of calm) {
    if (startMs >= CALM_START_MAX_MS || start.length >= Math.max(1, maxStart)) break;
    start.push(i);
    startMs += durationsMs[i] + GAP_MS;
  }
  const inStart = new Set(start);
  const blocks = new Map<string, number[]>();
  clips.forEach((c, i) => {
    if (inStart.has(i)) return;
    const key = blockOf(c);
    blocks.set(key, [...(blocks.get(key) ?? []), i]);
  });
  const order = rng.shuffle([...blocks.keys()].sort());
  const sequence = [...start, ...order.flatMap((k) => rng.shuffle(blocks.get(k)!))];
  const out: Segment[] = [];
  let at = 0;
  for (const i of sequence) {
    out.push({ clip: i, startMs: at, endMs: at + durationsMs[i], calmStart: inStart.has(i) });
    at += durationsMs[i] + GAP_MS;
  }
  return out;
}

/** The segment whose clip contains `ms` (binary search over sorted segments), or -1 in a gap. */
export function segmentAt(segments: readonly Segment[], ms: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ms < segments[mid].startMs) hi = mid - 1;
    else if (ms >= segments[mid].endMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}
