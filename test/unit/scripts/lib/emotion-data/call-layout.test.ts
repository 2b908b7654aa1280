// The evaluation's simulated call (scripts/lib/emotion-data/call-layout.ts): calm start first
// (≤ 20 s, ≤ two thirds of the calm clips), then one contiguous block per emotion, 400 ms gaps,
// the same order for the same seed.
import { describe, expect, it } from 'vitest';
import type { Clip } from '../../../../../scripts/lib/corpora/clip.ts';
import { corpusClip } from '../../../../support/corpus-clip.ts';
import {
  blockOf,
  GAP_MS,
  layoutCall,
  segmentAt,
} from '../../../../../scripts/lib/emotion-data/call-layout.ts';

const clip = corpusClip;

const clips: Clip[] = [
  ...Array.from({ length: 12 }, (_, i) => clip('neutral', i)),
  ...Array.from({ length: 5 }, (_, i) => clip('angry', i)),
  ...Array.from({ length: 5 }, (_, i) => clip('sad', i)),
];
const durations = clips.map(() => 3000);

describe('layoutCall', () => {
  const segments = layoutCall('x-1', clips, durations, 7);

  it('opens with calm clips: at most 20 s and two thirds of them, then judged blocks', () => {
    const start = segments.filter((s) => s.calmStart);
    expect(start.length).toBeGreaterThan(0);
    expect(start.length).toBeLessThanOrEqual(8);
    expect(start.every((s) => clips[s.clip].calm)).toBe(true);
    expect(start[start.length - 1].startMs).toBeLessThan(20_000);
    expect(segments.slice(0, start.length).every((s) => s.calmStart)).toBe(true);
  });

  it('plays every clip once, each emotion as one contiguous block, with 400 ms gaps', () => {
    expect(segments.map((s) => s.clip).sort((a, b) => a - b)).toEqual(clips.map((_, i) => i));
    const blocks = segments.filter((s) => !s.calmStart).map((s) => blockOf(clips[s.clip]));
    const runs = blocks.filter((b, i) => i === 0 || b !== blocks[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
    for (let i = 1; i < segments.length; i++)
      expect(segments[i].startMs - segments[i - 1].endMs).toBe(GAP_MS);
  });

  it('is deterministic per seed and speaker, and differs with another seed', () => {
    expect(layoutCall('x-1', clips, durations, 7)).toEqual(segments);
    expect(layoutCall('x-1', clips, durations, 8)).not.toEqual(segments);
  });

  it('finds the segment of a time, or -1 in a gap', () => {
    expect(segmentAt(segments, segments[3].startMs + 10)).toBe(3);
    expect(segmentAt(segments, segments[3].endMs + GAP_MS / 2)).toBe(-1);
  });
});
