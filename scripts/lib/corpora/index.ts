// The evaluation and training corpora: EmoDB plus every corpus of ../shared/data/corpora (env
// CORPORA_DIR), or a user's own labelled calls (a folder with the same manifest.csv). I/O.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, type Clip, type CorpusLoader } from './clip.ts';
import { emodbCorpus } from './emodb-corpus.ts';
import { manifestCorpora, manifestCorpus } from './manifest.ts';

export type { Clip, ClipLabel, CorpusLoader } from './clip.ts';
export { DataError } from './clip.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function corporaRoot(): string {
  return process.env.CORPORA_DIR || resolve(REPO, '../shared/data/corpora');
}

/** Loaders of the shipped model's corpora (EmoDB and the manifest folder), or of `dataDirs`. */
export function corpusLoaders(dataDirs: readonly string[] = []): CorpusLoader[] {
  if (dataDirs.length > 0) {
    const folderOf = new Map<string, string>();
    return dataDirs.flatMap((dir) => {
      const corpora = manifestCorpora(dir);
      if (corpora.length === 0) throw new DataError('DATA_TOO_FEW', `${dir}/manifest.csv lists no clips`);
      for (const corpus of corpora) {
        const other = folderOf.get(corpus);
        // Clips are grouped by corpus name: two folders under one name would merge or drop one.
        if (other !== undefined) {
          throw new DataError(
            'DATA_MANIFEST',
            `corpus "${corpus}" is in both ${other} and ${dir}: give each folder's corpus its own name`,
          );
        }
        folderOf.set(corpus, dir);
      }
      return corpora.map((c) => manifestCorpus(dir, c));
    });
  }
  const root = corporaRoot();
  return [emodbCorpus(), ...manifestCorpora(root).map((c) => manifestCorpus(root, c))];
}

/** Every clip of the loaders, grouped by corpus name. */
export function loadCorpora(loaders: readonly CorpusLoader[]): Map<string, Clip[]> {
  return new Map(loaders.map((l) => [l.name, l.list()]));
}
