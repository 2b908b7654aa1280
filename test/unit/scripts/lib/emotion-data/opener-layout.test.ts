// The upset-opener protocol (scripts/lib/emotion-data/opener-layout.ts): the opener block first,
// no calm start, every clip once, 400 ms gaps, the same call for the same seed.
import { describe, expect, it } from 'vitest';
import type { Clip } from '../../../../../scripts/lib/corpora/clip.ts';
import { corpusClip } from '../../../../support/corpus-clip.ts';
import { blockOf, GAP_MS } from '../../../../../scripts/lib/emotion-data/call-layout.ts';
import { openerLayout } from '../../../../../scripts/lib/emotion-data/opener-layout.ts';

const clip = corpusClip;
const clips: Clip[] = [
  ...Array.from({ length: 6 }, (_, i) => clip('neutral', i)),
  ...Array.from({ length: 4 }, (_, i) => clip('angry', i)),
  ...Array.from({ length: 3 }, (_, i) => clip('sad', i)),
];
const durations = clips.map((_, i) => 2000 + 10 * i);

describe('openerLayout', () => {
  const segments = openerLayout('x-1', clips, durations, 7, 'angry');

  it('opens with the whole angry block and has no calm start', () => {
    expect(segments.slice(0, 4).map((s) => clips[s.clip].label)).toEqual([
      'angry',
      'angry',
      'angry',
      'angry',
    ]);
    expect(segments.every((s) => !s.calmStart)).toBe(true);
  });

  it('plays every clip once, each block contiguous, 400 ms apart', () => {
    expect(segments.map((s) => s.clip).sort((a, b) => a - b)).toEqual(clips.map((_, i) => i));
    const order = segments.map((s) => blockOf(clips[s.clip]));
    expect(order.filter((b, i) => i === 0 || b !== order[i - 1])).toHaveLength(3);
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i].startMs - segments[i - 1].endMs).toBe(GAP_MS);
    }
  });

  it('is the same for the same seed, and a speaker without the block just has the others', () => {
    expect(openerLayout('x-1', clips, durations, 7, 'angry')).toEqual(segments);
    const calmOnly = openerLayout('x-1', clips.slice(0, 6), durations.slice(0, 6), 7, 'angry');
    expect(calmOnly).toHaveLength(6);
  });
});
