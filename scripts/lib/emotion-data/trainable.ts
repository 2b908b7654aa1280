// What training data must hold before train:emotion fits a model: the recipe chooses its L2, the
// temperature and the "uncertain" threshold on speakers (one corpus) or corpora (several) that
// the inner fit did not see, so one speaker, or one class, gives a model that is uniform noise
// with a confident-looking file. Refused with DATA_TOO_FEW instead. No I/O.
import { DataError } from '../corpora/index.ts';
import type { Clip } from '../corpora/clip.ts';

interface LabelledCall {
  corpus: string;
  speaker: string;
  clips: readonly Pick<Clip, 'label'>[];
}

export function assertTrainable(calls: readonly LabelledCall[]): void {
  const labelled = calls.filter((c) => c.clips.some((x) => x.label !== null));
  const speakers = new Set(labelled.map((c) => `${c.corpus}/${c.speaker}`)).size;
  if (speakers < 2) {
    throw new DataError(
      'DATA_TOO_FEW',
      `training needs clips with an emotion label from at least 2 speakers (found ${speakers}): the recipe's inner choices are judged on speakers it did not train on`,
    );
  }
  // surprise trains the arousal head only: it is not a class of the emotion head.
  const classes = new Set(
    labelled.flatMap((c) =>
      c.clips.flatMap((x) => (x.label === null || x.label === 'surprise' ? [] : [x.label])),
    ),
  );
  if (classes.size < 2) {
    throw new DataError(
      'DATA_TOO_FEW',
      `training needs at least 2 emotion labels (found ${[...classes].join(', ') || 'none'})`,
    );
  }
}
