import { describe, expect, it } from 'vitest';
import { assertTrainable } from '../../../../../scripts/lib/emotion-data/trainable.ts';

const call = (speaker: string, labels: (string | null)[], corpus = 'c') => ({
  corpus,
  speaker,
  clips: labels.map((label) => ({ label }) as never),
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
});
