// The scorecard and holds: hold time counted once across overlapping windows, each hold counted
// once, and a hold does not make the silence part worse (the dsp-worker keeps hold out of silence).
import { describe, expect, it } from 'vitest';
import { computeScorecard, type ScoreDynamics } from '../../../../pipelines/scorecard/index.ts';

/** 2-s windows, 1-s hop over 60 s; hold over [from, to) s of audio (the dsp-worker's holdMs per window). */
function dynamics(holds: [number, number][]): ScoreDynamics[] {
  return Array.from({ length: 60 }, (_, i) => {
    const startMs = i * 1000;
    const endMs = startMs + 2000;
    const holdMs = holds.reduce(
      (ms, [from, to]) => ms + Math.max(0, Math.min(endMs, to * 1000) - Math.max(startMs, from * 1000)),
      0,
    );
    return {
      startMs,
      endMs,
      overtalkCount: 0,
      longestMutualSilenceMs: holdMs > 0 ? 0 : 500,
      talkRatioAgent: 0.5,
      holdMs,
    };
  });
}

const card = (holds: [number, number][]) =>
  computeScorecard({ durationMs: 60_000, windows: [], emotions: [], dynamics: dynamics(holds), alerts: [] });

describe('scorecard holds', () => {
  it('counts 20 s of hold once across overlapping windows, as one hold', () => {
    const { measures } = card([[10, 30]]);
    expect(measures.holdS).toBeCloseTo(20, 6);
    expect(measures.holdCount).toBe(1);
  });

  it('counts two holds apart as two', () => {
    const { measures } = card([
      [5, 15],
      [30, 40],
    ]);
    expect([measures.holdS, measures.holdCount]).toEqual([20, 2]);
  });

  it('leaves the silence part as without the hold', () => {
    const silence = (c: ReturnType<typeof card>) => c.parts.find((p) => p.name === 'mutualSilence')?.value;
    expect(silence(card([[10, 30]]))).toBe(silence(card([])));
    expect([card([]).measures.holdS, card([]).measures.holdCount]).toEqual([0, 0]);
  });
});
