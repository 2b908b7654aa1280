// A second call protocol of the emotion evaluation: the caller who is upset from the first word.
// The call opens with one block (e.g. every angry clip of the speaker) and has no calm start;
// the other blocks, calm clips included, follow in a seeded order, 400 ms between clips. The
// calm-start baseline learns the opening as this caller's normal: eval:emotion's `angry_opener_*`
// figures measure what that costs. Pure, no I/O.
import { createRng } from '../../../pipelines/emotion/train/rng.ts';
import type { Clip } from '../corpora/clip.ts';
import { blockOf, GAP_MS, seedOf } from './call-layout.ts';
import type { Segment } from './call-layout.ts';

/** Segments of one speaker's call opening with the `opener` block; `durationsMs[i]` is `clips[i]`'s length. */
export function openerLayout(
  speaker: string,
  clips: readonly Clip[],
  durationsMs: readonly number[],
  seed: number,
  opener: string,
): Segment[] {
  const rng = createRng(seedOf(`${speaker}:${opener}`, seed));
  const blocks = new Map<string, number[]>();
  clips.forEach((c, i) => {
    const key = blockOf(c);
    blocks.set(key, [...(blocks.get(key) ?? []), i]);
  });
  const rest = rng.shuffle([...blocks.keys()].filter((k) => k !== opener).sort());
  const order = blocks.has(opener) ? [opener, ...rest] : rest;
  const out: Segment[] = [];
  let at = 0;
  for (const i of order.flatMap((k) => rng.shuffle(blocks.get(k) ?? []))) {
    out.push({ clip: i, startMs: at, endMs: at + durationsMs[i], calmStart: false });
    at += durationsMs[i] + GAP_MS;
  }
  return out;
}
