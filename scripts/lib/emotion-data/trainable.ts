// What training data must hold before train:emotion fits a model: the recipe chooses its L2, the
// temperature and the "uncertain" threshold on speakers (one corpus) or corpora (several) that
// the inner fit did not see, so one speaker, one class, or a class of a clip or two, gives a model
// that is uniform noise or certain of everything, with a confident-looking file (a probe: one clip
// per class gave inner UAR 0 and temperature 20; two per class, probabilities of 1.00). Refused
// with DATA_TOO_FEW instead. A corpus is a recording setup and picks the recipe (one setup or
// several): one of a single speaker is most likely a typo in the corpus column, refused too. No I/O.
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
  const clipsOf = new Map<string, number>();
  for (const c of labelled)
    for (const x of c.clips)
      if (x.label !== null && x.label !== 'surprise') clipsOf.set(x.label, (clipsOf.get(x.label) ?? 0) + 1);
  const short = [...clipsOf].filter(([, n]) => n < MIN_CLIPS_PER_LABEL);
  if (short.length > 0) {
    throw new DataError(
      'DATA_TOO_FEW',
      `each emotion label needs at least ${MIN_CLIPS_PER_LABEL} clips (${short.map(([label, n]) => `${label}: ${n}`).join(', ')}): add clips or leave that label's rows out`,
    );
  }
  const speakersOf = new Map<string, Set<string>>();
  for (const c of calls) speakersOf.set(c.corpus, (speakersOf.get(c.corpus) ?? new Set()).add(c.speaker));
  const lone = [...speakersOf].filter(([, s]) => s.size < 2).map(([corpus]) => corpus);
  if (speakersOf.size > 1 && lone.length > 0) {
    throw new DataError(
      'DATA_TOO_FEW',
      `corpus ${lone.map((c) => `"${c}"`).join(', ')} has one speaker: a corpus is a recording setup (it chooses the training recipe); check the corpus column`,
    );
  }
}

/** Clips an emotion label needs at least (the inner choices judge it on held-out speakers). */
export const MIN_CLIPS_PER_LABEL = 5;
