// Loader of a folder with a `manifest.csv` (the format of ../shared/data/corpora and of a user's own
// labelled calls): `corpus,file,speaker,gender,language,label_original,label,arousal`. One loader
// per corpus name; refuses to run when a listed file is missing. I/O: reads the folder.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
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
  /** Its line in the manifest (errors about the row name it). */
  line: number;
}

/**
 * Parsed rows of `<dir>/manifest.csv`: plain CSV (no quoted fields: this format has no commas in a
 * field), exactly the eight columns, each file once and inside the folder. Errors name the line
 * as an editor numbers it (blank lines counted).
 */
export function readManifest(dir: string): ManifestRow[] {
  const file = join(dir, 'manifest.csv');
  if (!existsSync(file)) throw new DataError('DATA_MISSING', `${file} does not exist`);
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((text, i) => ({ text, number: i + 1 }))
    .filter((l) => l.text.trim() !== '');
  const head = lines[0]?.text.split(',').map((h) => h.trim());
  if (!head || head.length !== HEADER.length || HEADER.some((h, i) => head[i] !== h)) {
    throw new DataError('DATA_MANIFEST', `${file}: the header must be exactly ${HEADER.join(',')}`);
  }
  const firstLineOf = new Map<string, number>();
  return lines.slice(1).map(({ text, number }) => {
    const at = `${file} line ${number}`;
    if (text.includes('"')) {
      throw new DataError(
        'DATA_MANIFEST',
        `${at}: quoted fields are not supported (no field may hold a comma)`,
      );
    }
    const f = text.split(',').map((v) => v.trim());
    if (f.length !== HEADER.length) {
      throw new DataError('DATA_MANIFEST', `${at}: expected ${HEADER.length} fields, found ${f.length}`);
    }
    const row = {
      corpus: f[0],
      file: f[1],
      speaker: f[2],
      language: f[4],
      label: f[6],
      arousal: f[7],
      line: number,
    };
    for (const column of ['corpus', 'file', 'speaker'] as const) {
      if (!row[column]) throw new DataError('DATA_MANIFEST', `${at}: empty ${column}`);
    }
    if (isAbsolute(row.file) || relative(dir, join(dir, row.file)).split(/[\\/]/)[0] === '..') {
      throw new DataError('DATA_MANIFEST', `${at}: ${row.file} is outside ${dir}`);
    }
    const seen = firstLineOf.get(normalize(row.file));
    if (seen !== undefined) {
      throw new DataError('DATA_MANIFEST', `${at}: ${row.file} is listed already on line ${seen}`);
    }
    firstLineOf.set(normalize(row.file), number);
    if (row.label !== '' && !LABELS.includes(row.label)) {
      throw new DataError('DATA_MANIFEST', `${at}: unknown label "${row.label}"`);
    }
    if (!['high', 'low', 'neutral', ''].includes(row.arousal)) {
      throw new DataError('DATA_MANIFEST', `${at}: unknown arousal "${row.arousal}"`);
    }
    if (row.label === '' && row.arousal === '') {
      throw new DataError('DATA_MANIFEST', `${at}: neither label nor arousal`);
    }
    // A row both labelled and levelled must agree (a "sad,high" row taught the arousal head the
    // opposite of the label, silently).
    if (row.label !== '' && row.arousal !== '' && labelArousal(row.label) !== columnArousal(row.arousal)) {
      throw new DataError(
        'DATA_MANIFEST',
        `${at}: arousal "${row.arousal}" contradicts label "${row.label}" (a ${labelArousal(row.label)}-arousal label)`,
      );
    }
    return row;
  });
}

/** The arousal group of a label. */
const labelArousal = (label: string): 'high' | 'low' =>
  ['angry', 'happy', 'anxious', 'surprise'].includes(label) ? 'high' : 'low';
/** The arousal column's level; a corpus's 'neutral' level counts as low. */
const columnArousal = (arousal: string): 'high' | 'low' => (arousal === 'high' ? 'high' : 'low');

/** Arousal of a row: the column, or the label's group. */
function arousalOf(row: ManifestRow): Clip['arousal'] {
  if (row.arousal !== '') return columnArousal(row.arousal);
  if (row.label === '') return null;
  return labelArousal(row.label);
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
      const rows = readManifest(dir).filter((r) => r.corpus === corpus);
      if (rows.length === 0) throw new DataError('DATA_MISSING', `no clips of corpus ${corpus} in ${dir}`);
      const missing = rows.filter((r) => !existsSync(join(dir, r.file)));
      if (missing.length > 0) {
        throw new DataError(
          'DATA_MISSING',
          `${missing.length} file(s) of ${corpus} listed in the manifest are missing, e.g. line ${missing[0].line}: ${join(dir, missing[0].file)}`,
        );
      }
      const clips = rows.map((r) => manifestClip(dir, r));
      return clips.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/** The corpus names a manifest folder holds, in first-seen order. */
export function manifestCorpora(dir: string): string[] {
  return [...new Set(readManifest(dir).map((r) => r.corpus))];
}
