// State frames carry only the newest mood points; the pages merge them into the trend they have.
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../../../../services/alert-service/protocol.ts';
import { mergeTrend } from '../../../../../../services/alert-service/web/src/format.ts';

const view = (moodTrend: number[], moodPoints: number) => ({ moodTrend, moodPoints }) as CallView;

describe('mood trend merge', () => {
  it('appends the new points of a tail, keeps the trend when nothing was added', () => {
    const have = view([0.5, 0.6, 0.7], 3);
    expect(mergeTrend(have, view([0.6, 0.7, 0.2, 0.1], 5))).toEqual([0.5, 0.6, 0.7, 0.2, 0.1]);
    expect(mergeTrend(have, view([0.6, 0.7], 3))).toEqual([0.5, 0.6, 0.7]);
  });

  it('takes the tail as it is after a gap or without history, and keeps the newest points', () => {
    expect(mergeTrend(view([0.5], 1), view([0.1, 0.2], 9))).toEqual([0.1, 0.2]);
    expect(mergeTrend(undefined, view([0.3], 1))).toEqual([0.3]);
    expect(mergeTrend(view([1, 2, 3], 3), view([4], 4), 3)).toEqual([2, 3, 4]);
  });
});
