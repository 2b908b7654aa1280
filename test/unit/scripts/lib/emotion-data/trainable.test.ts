import { describe, expect, it } from 'vitest';
import { assertTrainable } from '../../../../../scripts/lib/emotion-data/trainable.ts';

const call = (speaker: string, labels: (string | null)[], corpus = 'c', times = 5) => ({
  corpus,
  speaker,
  clips: labels.flatMap((label) => Array.from({ length: times }, () => ({ label }) as never)),
});

describe('assertTrainable', () => {
  it('accepts two speakers with two labels between them', () => {
    expect(() => assertTrainable([call('a', ['neutral']), call('b', ['angry'])])).not.toThrow();
  });

  it('refuses one labelled speaker with DATA_TOO_FEW, counting arousal-only speakers out', () => {
    expect(() => assertTrainable([call('a', ['neutral', 'angry']), call('b', [null])])).toThrow(
      expect.objectContaining({ code: 'DATA_TOO_FEW', message: expect.stringContaining('(found 1)') }),
    );
  });

  it('refuses a single emotion label', () => {
    expect(() => assertTrainable([call('a', ['sad']), call('b', ['sad'])])).toThrow(
      expect.objectContaining({ code: 'DATA_TOO_FEW', message: expect.stringContaining('(found sad)') }),
    );
  });

  it('does not count surprise (arousal only) as a second class', () => {
    expect(() => assertTrainable([call('a', ['neutral', 'surprise']), call('b', ['neutral'])])).toThrow(
      expect.objectContaining({ code: 'DATA_TOO_FEW', message: expect.stringContaining('(found neutral)') }),
    );
  });

  it('refuses a label of fewer than 5 clips, naming it', () => {
    expect(() =>
      assertTrainable([call('a', ['neutral', 'angry'], 'c', 2), call('b', ['neutral', 'angry'], 'c', 2)]),
    ).toThrow(
      expect.objectContaining({
        code: 'DATA_TOO_FEW',
        message: expect.stringContaining('at least 5 clips (neutral: 4, angry: 4)'),
      }),
    );
  });

  it('refuses a corpus of one speaker beside others (a typo in the corpus column switches the recipe)', () => {
    const calls = [
      call('a', ['neutral', 'angry']),
      call('b', ['neutral', 'angry']),
      call('b', ['sad'], 'typo'),
    ];
    expect(() => assertTrainable(calls)).toThrow(
      expect.objectContaining({
        code: 'DATA_TOO_FEW',
        message: expect.stringContaining('corpus "typo" has one speaker'),
      }),
    );
  });
});
