// The scorecard on a call whose customer line was suspected one-way (DynamicsWindow's
// customerLineFaultMs): the fault's time counted once across overlapping windows, mutual silence
// not judged (the line's, not the agent's), talk ratio judged over the rest of the call (not the
// fault nor the quiet before it), a call whose customer was not heard unscored as a line fault; a
// call without it keeps its measures and parts to the key.
import { describe, expect, it } from 'vitest';
import {
  computeScorecard,
  type ScoreDynamics,
  type ScoreWindow,
} from '../../../../pipelines/scorecard/index.ts';

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

/** `n` 2-s windows, 1-s hop, of each speaker: the agent half speech, the customer as given. */
function speakerWindows(n: number, customerSpeech: (startMs: number) => number): ScoreWindow[] {
  return Array.from({ length: n }, (_, i) =>
    (['agent', 'customer'] as const).map((channel) => ({
      channel,
      startMs: i * 1000,
      endMs: i * 1000 + 2000,
      speechFraction: channel === 'agent' ? 0.5 : customerSpeech(i * 1000),
      syllableRate: 4,
      tensionIndex: 0.3,
    })),
  ).flat();
}

const card = (faultFromS: number | null, customerSpeech: number) =>
  computeScorecard({
    durationMs: 60_000,
    windows: speakerWindows(59, () => customerSpeech),
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

describe('scorecard talk ratio around a suspected one-way line', () => {
  /**
   * 90 s: the customer's windows carry her speech until `heardUntilS`, the dynamics read both
   * speaking (talk ratio 0.5) until `aloneFromS` (the same unless given), then the agent alone
   * (1.0), the line suspected from `faultFromS` to `faultToS`, then both again.
   */
  function around(heardUntilS: number, faultFromS: number, faultToS: number, aloneFromS = heardUntilS) {
    const inFault = (startMs: number, endMs: number) =>
      Math.max(0, Math.min(endMs, faultToS * 1000) - Math.max(startMs, faultFromS * 1000));
    const heard = (startMs: number) => startMs < heardUntilS * 1000 - 2000 || startMs >= faultToS * 1000;
    const both = (startMs: number) => startMs < aloneFromS * 1000 - 2000 || startMs >= faultToS * 1000;
    const n = 89;
    return computeScorecard({
      durationMs: 90_000,
      windows: speakerWindows(n, (startMs) => (heard(startMs) ? 0.5 : 0)),
      emotions: [],
      dynamics: Array.from({ length: n }, (_, i) => {
        const startMs = i * 1000;
        const fault = inFault(startMs, startMs + 2000);
        return {
          startMs,
          endMs: startMs + 2000,
          overtalkCount: 0,
          longestMutualSilenceMs: 1500,
          talkRatioAgent: fault > 0 ? null : both(startMs) ? 0.5 : 1,
          ...(fault > 0 ? { customerLineFaultMs: fault } : {}),
        };
      }),
      alerts: [],
    });
  }

  it('judges talk ratio over the windows outside the fault and the quiet before it', () => {
    // Heard until 10 s, suspected 40-60 s: the 30 s of the agent alone before it are left out.
    const c = around(10, 40, 60);
    expect(c.measures.talkRatioAgent).toBe(0.5);
    expect(partOf(c, 'talkRatio')?.value).toBe(1);
    expect(partOf(c, 'talkRatio')?.explanation).toMatch(/^agent share of speech outside the 20 s .*one-way/);
    // The silence stays the line's.
    expect(partOf(c, 'mutualSilence')?.value).toBeNull();
  });

  it('leaves out 20 s before the fault at least, even when she was heard later', () => {
    // A murmur of hers up to 35 s (past the recognised 40 s - 20 s), the agent alone from 20 s:
    // still the 20 s before the fault out.
    const c = around(35, 40, 60, 22);
    expect(c.measures.talkRatioAgent).toBe(0.5);
  });
});
