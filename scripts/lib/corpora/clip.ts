// One labelled clip of an emotional-speech corpus, whatever the corpus, and the interface every
// corpus loader implements. Types only, no I/O.
import { CodedError } from '../../../pipelines/errors.ts';
import type { EmotionLabel } from '../../../pipelines/emotion/types.ts';

/** The product's classes plus `surprise`, which some corpora have and the product does not. */
export type ClipLabel = EmotionLabel | 'surprise';
export type ArousalLevel = 'high' | 'low';

export interface Clip {
  corpus: string;
  /** Absolute path of the audio file. */
  path: string;
  /** Unique across corpora: `<corpus>-<id>`. */
  speaker: string;
  language: string;
  /** null when the corpus labels arousal only (BAVED). */
  label: ClipLabel | null;
  /** High / low arousal (null when unknown). */
  arousal: ArousalLevel | null;
  /** The corpus's own level, e.g. BAVED's 'neutral' (the calm start of a simulated call). */
  calm: boolean;
}

export interface CorpusLoader {
  readonly name: string;
  /** Every clip, sorted by path; throws DataError when a listed file is missing. */
  list(): Clip[];
}

/**
 * DATA_MISSING: a folder, manifest or listed file is not there; DATA_MANIFEST: a row or the header
 * is malformed; DATA_AUDIO: a listed file is not usable audio; DATA_TOO_FEW: too little to fit or
 * judge a model.
 */
export class DataError extends CodedError<
  'DATA_MISSING' | 'DATA_MANIFEST' | 'DATA_AUDIO' | 'DATA_TOO_FEW' | 'MODEL_INVALID'
> {}
