// parseEmotionModel: accepts a well-formed model, rejects bad files with stable codes.
import { describe, expect, it } from 'vitest';
import { EmotionError, parseEmotionModel } from '../../../../pipelines/emotion/index.ts';
import { toyModel } from './toy-model.ts';
import { thrownCode } from '../../../support/thrown.ts';

const codeOf = (json: unknown) => thrownCode(() => parseEmotionModel(json), EmotionError);

const mutate = (f: (m: Record<string, unknown> & ReturnType<typeof toyModel>) => void): unknown => {
  const m = JSON.parse(JSON.stringify(toyModel()));
  f(m);
  return m;
};

describe('parseEmotionModel', () => {
  it('accepts a well-formed model after a JSON round trip', () => {
    expect(parseEmotionModel(JSON.parse(JSON.stringify(toyModel()))).name).toBe('toy');
  });

  it.each([
    ['null', null, 'MODEL_SHAPE'],
    ['a string', 'model', 'MODEL_SHAPE'],
    ['another format', mutate((m) => (m.format = 'onnx')), 'MODEL_FORMAT'],
    ['a future version', mutate((m) => (m.version = 3)), 'MODEL_VERSION'],
    ['a missing field', mutate((m) => delete (m as Partial<typeof m>).inputs), 'MODEL_SHAPE'],
    [
      'a string where a number belongs',
      mutate((m) => ((m.emotion.temperature as unknown) = '1')),
      'MODEL_SHAPE',
    ],
    ['labels in another order', mutate((m) => m.labels.reverse()), 'MODEL_LABELS'],
    [
      'a short weight row',
      mutate((m) => (m.emotion.members[0] as { weights: number[][] }).weights[3].pop()),
      'MODEL_DIMENSIONS',
    ],
    ['an input index out of range', mutate((m) => (m.inputs.index[0] = 7)), 'MODEL_DIMENSIONS'],
    ['a zero std', mutate((m) => (m.inputs.std[1] = 0)), 'MODEL_DIMENSIONS'],
    ['a baseline prior of the wrong length', mutate((m) => m.baseline.priorMean.push(1)), 'MODEL_DIMENSIONS'],
    ['a negative temperature', mutate((m) => (m.arousal.temperature = -1)), 'MODEL_DIMENSIONS'],
    ['a valence head of the wrong length', mutate((m) => m.valence.weights.push(1)), 'MODEL_DIMENSIONS'],
    [
      'context inputs without the heads widened for them',
      mutate((m) => (m.inputs.context = { windows: 3, mean: [...m.inputs.mean], std: [...m.inputs.std] })),
      'MODEL_DIMENSIONS',
    ],
    [
      'context statistics of the wrong length',
      mutate((m) => (m.inputs.context = { windows: 3, mean: [0], std: [1] })),
      'MODEL_DIMENSIONS',
    ],
    ['NaN in memory', mutate((m) => (m.inputs.mean[0] = NaN)), 'MODEL_NOT_FINITE'],
    [
      'an unknown member kind',
      mutate((m) => ((m.emotion.members[0] as { kind: string }).kind = 'svm')),
      'MODEL_SHAPE',
    ],
  ])('rejects %s', (_what, json, code) => {
    expect(codeOf(json)).toBe(code);
  });
});
