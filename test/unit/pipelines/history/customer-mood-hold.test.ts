// Review: a call the customer left on hold ends with the classifier's hold events ("uncertain",
// not judged): the mood the call ended in is the customer's last speech, not the hold.
import { describe, expect, it } from 'vitest';
import { customerMood, type MoodEmotion } from '../../../../pipelines/history/index.ts';

const events = (hold: 'hold-events' | 'silence'): MoodEmotion[] => [
  ...Array.from({ length: 40 }, (_, s) => ({
    startMs: s * 1000,
    endMs: s * 1000 + 2000,
    state: 'angry' as const,
    arousal: 0.8,
    valence: 0.2,
  })),
  ...Array.from({ length: 60 }, (_, k) => ({
    startMs: (40 + k) * 1000,
    endMs: (42 + k) * 1000,
    ...(hold === 'hold-events'
      ? { state: 'uncertain' as const, arousal: 0.5, valence: 0.5, onHold: true }
      : { state: 'no-speech' as const, arousal: 0.5, valence: 0.5 }),
  })),
];

describe('customer mood of a call that ended on hold', () => {
  it('ends angry, as the same call with a silent (no-speech) hold does', () => {
    expect(customerMood(events('silence'), []).end).toEqual({ state: 'angry', arousal: 0.8, valence: 0.2 });
    expect(customerMood(events('hold-events'), []).end).toEqual(customerMood(events('silence'), []).end);
  });
});
