// Review: a window on hold is "uncertain" (not judged, valence 0.5) from the emotion classifier. It
// is not the customer's speech: the scorecard's customer parts must read the call as without it.
import { describe, expect, it } from 'vitest';
import { computeScorecard, type ScoreEmotion } from '../../../../pipelines/scorecard/index.ts';

/**
 * 1-s events: 40 s angry customer, then 120 s on hold and the hang-up. The hold as the classifier
 * sends it (onHold, "uncertain") or as the same windows unspoken ('no-speech': a silent hold before).
 */
function emotions(hold: 'hold-events' | 'none'): ScoreEmotion[] {
  const out: ScoreEmotion[] = [];
  for (let s = 0; s < 40; s++)
    out.push({
      channel: 'customer',
      startMs: s * 1000,
      endMs: s * 1000 + 2000,
      state: 'angry',
      valence: 0.2,
      arousal: 0.8,
    });
  for (let s = 40; s < 160; s++)
    out.push({
      channel: 'customer',
      startMs: s * 1000,
      endMs: s * 1000 + 2000,
      ...(hold === 'hold-events'
        ? { state: 'uncertain' as const, valence: 0.5, arousal: 0.5, onHold: true }
        : { state: 'no-speech' as const, valence: 0.5, arousal: 0.5 }),
    });
  return out;
}

const card = (hold: 'hold-events' | 'none') =>
  computeScorecard({ durationMs: 160_000, windows: [], emotions: emotions(hold), dynamics: [], alerts: [] });

describe('scorecard: customer emotions on hold', () => {
  it("does not count two minutes on hold as the customer's (calm) speech", () => {
    const held = card('hold-events');
    const plain = card('none');
    expect(held.measures.customerEmotionS).toBeCloseTo(plain.measures.customerEmotionS, 6);
    expect(held.measures.customerEndValence).toBeCloseTo(plain.measures.customerEndValence as number, 6);
    const part = (c: typeof held, name: string) => c.parts.find((p) => p.name === name)?.value;
    expect(part(held, 'customerNegativeShare')).toBe(part(plain, 'customerNegativeShare'));
    expect(part(held, 'customerTrajectory')).toBe(part(plain, 'customerTrajectory'));
    expect(held.score).toBe(plain.score);
  });
});
