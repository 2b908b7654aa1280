import { describe, expect, it } from 'vitest';
import { foldSpecs } from '../../../../../scripts/lib/emotion-data/folds.ts';

const speakers = (n: number, p: string): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);

describe('foldSpecs', () => {
  it('leaves each corpus out in turn, and deals min(5, speakers) folds within each', () => {
    const folds = foldSpecs(
      new Map([
        ['a', speakers(7, 'a')],
        ['b', speakers(3, 'b')],
      ]),
      true,
      new Set(['a', 'b']),
    );
    expect(folds.filter((f) => f.kind === 'loco').map((f) => f.corpus)).toEqual(['a', 'b']);
    expect(folds.some((f) => f.shippedModel)).toBe(false);
    expect(folds.filter((f) => f.kind === 'within' && f.corpus === 'a')).toHaveLength(5);
    expect(folds.filter((f) => f.kind === 'within' && f.corpus === 'b')).toHaveLength(3);
  });

  it('judges a lone corpus with the shipped model: there is no other corpus to train on', () => {
    const folds = foldSpecs(new Map([['centre', speakers(4, 's')]]), true, new Set(['centre']));
    expect(folds[0]).toEqual({
      kind: 'loco',
      corpus: 'centre',
      testSpeakers: speakers(4, 's'),
      shippedModel: true,
    });
    expect(folds.filter((f) => f.kind === 'within')).toHaveLength(4);
  });

  it('has no within folds for one speaker or a corpus without emotion classes', () => {
    expect(foldSpecs(new Map([['c', ['x']]]), true, new Set(['c']))).toHaveLength(1);
    expect(foldSpecs(new Map([['c', speakers(6, 'v')]]), true, new Set())).toHaveLength(1);
  });
});
