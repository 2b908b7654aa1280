// The emotion band as text (emotion-spans.ts) says what the band paints: runs of one shown state,
// each window until the next starts or its own end, a gap starting a new span (review: angry
// 0-4 s and 60-62 s read as one angry minute).
import { describe, expect, it } from 'vitest';
import { emotionSpans } from '../../../../../services/call-store/web/emotion-spans.ts';

const columns = (rows: [number, number, string][]) => ({
  startMs: rows.map((r) => r[0]),
  endMs: rows.map((r) => r[1]),
  state: rows.map((r) => r[2]),
  arousal: rows.map(() => 0.5),
});

describe('emotion spans', () => {
  it('merges consecutive windows of one state', () => {
    expect(
      emotionSpans(
        columns([
          [0, 2000, 'angry'],
          [1000, 3000, 'angry'],
          [2000, 4000, 'neutral'],
        ]),
      ),
    ).toEqual([
      { fromMs: 0, toMs: 2000, state: 'angry' },
      { fromMs: 2000, toMs: 4000, state: 'neutral' },
    ]);
  });

  it('starts a new span after a gap, and ends a window at its own end', () => {
    expect(
      emotionSpans(
        columns([
          [0, 2000, 'angry'],
          [2000, 4000, 'angry'],
          [60_000, 62_000, 'angry'],
        ]),
      ),
    ).toEqual([
      { fromMs: 0, toMs: 4000, state: 'angry' },
      { fromMs: 60_000, toMs: 62_000, state: 'angry' },
    ]);
    expect(
      emotionSpans(
        columns([
          [0, 2000, 'neutral'],
          [60_000, 62_000, 'angry'],
        ]),
      ),
    ).toEqual([
      { fromMs: 0, toMs: 2000, state: 'neutral' },
      { fromMs: 60_000, toMs: 62_000, state: 'angry' },
    ]);
  });

  it('is empty for a speaker without emotion events', () => {
    expect(emotionSpans(columns([]))).toEqual([]);
  });
});
