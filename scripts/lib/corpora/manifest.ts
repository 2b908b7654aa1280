// Loader of a folder with a `manifest.csv` (the format of ../shared/data/corpora and of a user's own
// labelled calls): `corpus,file,speaker,gender,language,label_original,label,arousal`. One loader
// per corpus name; refuses to run when a listed file is missing. I/O: reads the folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMOTION_LABELS } from '../../../pipelines/emotion/types.ts';
import { DataError } from './clip.ts';
import type { Clip, ClipLabel, CorpusLoader } from './clip.ts';

const HEADER = ['corpus', 'file', 'speaker', 'gender', 'language', 'label_original', 'label', 'arousal'];
const LABELS: readonly string[] = [...EMOTION_LABELS, 'surprise'];

export interface ManifestRow {
  corpus: string;
  file: string;
  speaker: string;
  language: string;
  label: string;
  arousal: string;
}

/** Parsed rows of `<dir>/manifest.csv` (plain CSV: no quoted commas in this format). */
export function readManifest(dir: string): ManifestRow[] {
  const file = join(dir, 'manifest.csv');
  if (!existsSync(file)) throw new DataError('DATA_MISSING', `${file} does not exist`);
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = lines[0]?.split(',').map((h) => h.trim());
  if (!head || HEADER.some((h, i) => head[i] !== h)) {
    throw new DataError('DATA_MANIFEST', `${file}: header must be ${HEADER.join(',')}`);
  }
  return lines.slice(1).map((line, i) => {
    const f = line.split(',').map((v) => v.trim());
    const row = { corpus: f[0], file: f[1], speaker: f[2], language: f[4], label: f[6], arousal: f[7] };
    if (f.length !== HEADER.length || !row.corpus || !row.file || !row.speaker) {
      throw new DataError('DATA_MANIFEST', `${file} line ${i + 2}: expected ${HEADER.length} fields`);
    }
    if (row.label !== '' && !LABELS.includes(row.label)) {
      throw new DataError('DATA_MANIFEST', `${file} line ${i + 2}: unknown label "${row.label}"`);
    }
    if (!['high', 'low', 'neutral', ''].includes(row.arousal)) {
      throw new DataError('DATA_MANIFEST', `${file} line ${i + 2}: unknown arousal "${row.arousal}"`);
    }
    if (row.label === '' && row.arousal === '') {
      throw new DataError('DATA_MANIFEST', `${file} line ${i + 2}: neither label nor arousal`);
    }
    return row;
  });
}

/** Arousal of a row: the column, or the label's group; a corpus's 'neutral' level counts as low. */
function arousalOf(row: ManifestRow): Clip['arousal'] {
  if (row.arousal === 'high') return 'high';
  if (row.arousal === 'low' || row.arousal === 'neutral') return 'low';
  if (row.label === '') return null;
  return ['angry', 'happy', 'anxious', 'surprise'].includes(row.label) ? 'high' : 'low';
}

export function manifestClip(dir: string, row: ManifestRow): Clip {
  const label = row.label === '' ? null : (row.label as ClipLabel);
  return {
    corpus: row.corpus,
    path: join(dir, row.file),
    speaker: row.speaker,
    language: row.language,
    label,
    arousal: arousalOf(row),
    calm: label === 'neutral' || (label === null && row.arousal === 'neutral'),
  };
}

/** One corpus of a manifest folder. */
export function manifestCorpus(dir: string, corpus: string): CorpusLoader {
  return {
    name: corpus,
    list() {
      const clips = readManifest(dir)
        .filter((r) => r.corpus === corpus)
        .map((r) => manifestClip(dir, r));
      if (clips.length === 0) throw new DataError('DATA_MISSING', `no clips of corpus ${corpus} in ${dir}`);
      const missing = clips.filter((c) => !existsSync(c.path));
      if (missing.length > 0) {
        throw new DataError(
          'DATA_MISSING',
          `${missing.length} file(s) of ${corpus} listed in the manifest are missing, e.g. ${missing[0].path}`,
        );
      }
      return clips.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/** The corpus names a manifest folder holds, in first-seen order. */
export function manifestCorpora(dir: string): string[] {
  return [...new Set(readManifest(dir).map((r) => r.corpus))];
}
