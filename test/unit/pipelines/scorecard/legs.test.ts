// The legs of a transferred call as spans: sorted by start whatever order the starts came in, a
// resumed start of the same agent continuing its leg, the first leg from 0, the last open while
// the call is live. Pure.
import { describe, expect, it } from 'vitest';
import { legSpans } from '../../../../pipelines/scorecard/index.ts';

const leg = (startMs: number, agentId: string, team = 't') => ({ startMs, agentId, team, queue: 'q' });
const spans = (legs: ReturnType<typeof legSpans>) => legs.map((l) => [l.agentId, l.fromMs, l.toMs]);

describe('legSpans', () => {
  it('sorts the starts and ends each leg where the next starts', () => {
    expect(spans(legSpans([leg(90_000, 'cy'), leg(0, 'ann'), leg(30_000, 'bob')], 120_000))).toEqual([
      ['ann', 0, 30_000],
      ['bob', 30_000, 90_000],
      ['cy', 90_000, 120_000],
    ]);
  });

  it("continues a leg at a start of the same agent, team and queue; another team's start is a leg", () => {
    expect(spans(legSpans([leg(0, 'ann'), leg(40_000, 'ann'), leg(60_000, 'ann', 'u')], 100_000))).toEqual([
      ['ann', 0, 60_000],
      ['ann', 60_000, 100_000],
    ]);
  });

  it('orders starts at the same audio time by when they were announced (unknown first)', () => {
    // ann resumed at 30 s, transferred to bob before the resumed stream's second frame.
    const at = (startMs: number, agentId: string, announcedAtMs: number | null) => ({
      ...leg(startMs, agentId),
      announcedAtMs,
    });
    for (const starts of [
      [at(0, 'ann', 1_000), at(30_000, 'ann', 31_000), at(30_000, 'bob', 32_000)],
      [at(30_000, 'bob', 32_000), at(30_000, 'ann', 31_000), at(0, 'ann', 1_000)],
    ])
      expect(spans(legSpans(starts, 90_000))).toEqual([
        ['ann', 0, 30_000],
        ['bob', 30_000, 90_000],
      ]);
    expect(spans(legSpans([at(30_000, 'bob', 5), at(30_000, 'ann', null)], 90_000))).toEqual([
      ['ann', 0, 30_000],
      ['bob', 30_000, 90_000],
    ]);
  });

  it('starts the first leg at 0 (a bound from before may lie after it) and leaves a live call open', () => {
    expect(spans(legSpans([leg(35, 'ann'), leg(50_000, 'bob')], null))).toEqual([
      ['ann', 0, 50_000],
      ['bob', 50_000, null],
    ]);
    expect(legSpans([], 10)).toEqual([]);
  });
});
