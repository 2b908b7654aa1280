// The scorecard on a call whose customer line was suspected one-way (DynamicsWindow's
// customerLineFaultMs): the fault's time counted once across overlapping windows, talk ratio and
// mutual silence not judged (they are the line's, not the agent's), a call whose customer was not
// heard unscored as a line fault; a call without it keeps its measures and parts to the key.
import { describe, expect, it } from 'vitest';
import { computeScorecard, type ScoreDynamics } from '../../../../pipelines/scorecard/index.ts';

/** 2-s windows, 1-s hop over 60 s; the line suspected from `faultFromS` on (null: never). */
function dynamics(faultFromS: number | null): ScoreDynamics[] {
  return Array.from({ length: 59 }, (_, i) => {
    const startMs = i * 1000;
    const endMs = startMs + 2000;
    const fault = faultFromS === null ? 0 : Math.max(0, endMs - Math.max(startMs, faultFromS * 1000));
    return {
      startMs,
      endMs,
      overtalkCount: 0,
      longestMutualSilenceMs: 1500,
      // The dsp-worker leaves a faulty window's talk ratio unknown; before it, the agent alone.
      talkRatioAgent: fault > 0 ? null : 1,
      ...(fault > 0 ? { customerLineFaultMs: fault } : {}),
    };
  });
}

const card = (faultFromS: number | null, customerSpeech: number) =>
  computeScorecard({
    durationMs: 60_000,
    windows: Array.from({ length: 59 }, (_, i) => [
      {
        channel: 'agent' as const,
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        speechFraction: 0.5,
        syllableRate: 4,
        tensionIndex: 0.3,
      },
      {
        channel: 'customer' as const,
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        speechFraction: customerSpeech,
        syllableRate: 4,
        tensionIndex: 0.3,
      },
    ]).flat(),
    emotions: [],
    dynamics: dynamics(faultFromS),
    alerts: [],
  });
const partOf = (c: ReturnType<typeof card>, name: string) => c.parts.find((p) => p.name === name);

describe('scorecard on a one-way customer line', () => {
  it('counts the fault once across overlapping windows and judges neither talk ratio nor silence', () => {
    const c = card(20, 0);
    // 40 s, the last window owning its whole 2 s (as holds and overtalk are owned).
    expect(c.measures.customerLineFaultS).toBe(40.5);
    expect(partOf(c, 'talkRatio')?.value).toBeNull();
    expect(partOf(c, 'talkRatio')?.explanation).toMatch(/one-way for 41 s/);
    expect(partOf(c, 'mutualSilence')?.value).toBeNull();
    expect(c.score).toBeNull();
    expect(c.unscored).toMatch(/^customer's line suspected one-way for 41 s .*a line fault/);
  });

  it('judges a call without a fault as before: talk ratio 1.0 scores 0, no fault key', () => {
    const c = card(null, 0);
    expect('customerLineFaultS' in c.measures).toBe(false);
    expect(partOf(c, 'talkRatio')?.value).toBe(0);
    expect(c.unscored).toMatch(/^too little speech to judge/);
  });
});
