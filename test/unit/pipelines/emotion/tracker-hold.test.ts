// The emotion tracker on hold: a window on hold is not judged (uncertain, confidence 0, the
// evidence says why, deterministic id) and teaches the speaker's baseline and running statistics
// nothing: the windows after it read exactly as if the hold had not been there.
import { describe, expect, it } from 'vitest';
import { createEmotionTracker } from '../../../../pipelines/emotion/index.ts';
import { HOLD_EVIDENCE } from '../../../../pipelines/emotion/hold-event.ts';
import type { EmotionEvent } from '../../../../pipelines/emotion/types.ts';
import { toyModel, toyWindow } from './toy-model.ts';

const tracker = () => createEmotionTracker({ model: toyModel(), callId: 'c1', channel: 'customer' });
/** Loud "music" windows (functional 0 far up), on hold or not. */
const music = (from: number, onHold: boolean) =>
  Array.from({ length: 10 }, (_, i) =>
    toyWindow(from + i, [4 + (i % 2) * 0.3, 0, 0], onHold ? { onHold } : {}),
  );
/** The customer's calm voice afterwards. */
const calm = (from: number) =>
  Array.from({ length: 10 }, (_, i) => toyWindow(from + i, [0.2 * (i % 2), 0, 0]));
const judged = (e: EmotionEvent) => [e.state, e.rawLabel, e.probabilities, e.arousal, e.evidence];

describe('emotion tracker on hold', () => {
  it('does not judge a window on hold', () => {
    const [event] = music(3, true).map((w) => tracker().push(w));
    expect(event).toMatchObject({
      eventId: 'c1:customer:3:emotion',
      state: 'uncertain',
      confidence: 0,
      onHold: true,
      evidence: [HOLD_EVIDENCE],
    });
  });

  it('learns nothing from hold: the calm voice after it reads as without the hold', () => {
    const held = tracker();
    music(0, true).forEach((w) => held.push(w));
    const afterHold = calm(10).map((w) => held.push(w));
    const plain = tracker();
    const withoutHold = calm(10).map((w) => plain.push(w));
    expect(afterHold.map(judged)).toEqual(withoutHold.map(judged));
    // The same music NOT on hold is learnt as the calm start: the calm voice then reads otherwise.
    const learnt = tracker();
    music(0, false).forEach((w) => learnt.push(w));
    const afterMusic = calm(10).map((w) => learnt.push(w));
    expect(afterMusic.map(judged)).not.toEqual(withoutHold.map(judged));
  });

  it('flags the change into and out of hold, and keeps the state of before the hold for after it', () => {
    const t = tracker();
    const before = calm(0).map((w) => t.push(w));
    expect(before.at(-1)?.state).toBe('neutral');
    const during = music(10, true).map((w) => t.push(w));
    expect(during.map((e) => e.changed)).toEqual([true, ...Array(9).fill(false)]);
    const after = t.push(toyWindow(20, [0.1, 0, 0]));
    expect([after.state, after.changed]).toEqual(['neutral', true]);
  });
});
