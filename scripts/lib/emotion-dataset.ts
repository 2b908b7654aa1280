// EmoDB -> emotion feature rows through the product's own DSP (pipelines/dsp): each 2-s file is one
// window, analysed under a recording condition (8 kHz µ-law telephone band, 16 kHz linear PCM, and
// training augmentations). Does file I/O: reads EmoDB, caches rows in .data/cache/emotion/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createChannelAnalyzer,
  encodeLinear16,
  FUNCTIONAL_NAMES,
  resample,
  toTelephoneBand,
} from '../../pipelines/dsp/index.ts';
import type { AudioFormat, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import { evidenceMeasures, EVIDENCE_MEASURES } from '../../pipelines/emotion/evidence.ts';
import type { FeatureRow } from '../../pipelines/emotion/train/speaker-norm.ts';
import { createRng } from '../../pipelines/emotion/train/rng.ts';
import { EMOTION_LABELS } from '../../pipelines/emotion/types.ts';
import { emodbRoot, listEmodb, readEmodbSamples } from './emodb.ts';
import type { EmodbItem } from './emodb.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE_DIR = join(REPO, '.data/cache/emotion');
const DATASET_VERSION = 2;

/** Evaluation conditions first; the others are training augmentations. */
export const CONDITIONS = ['pcmu8k', 'linear16k', 'pcma8k', 'pcmu8k-noise', 'pcmu8k-quiet'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Deterministic per-file seed (FNV-1a of the id) so the noise is reproducible. */
function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Audio bytes and format of one file under a condition. */
export function renderCondition(
  item: EmodbItem,
  condition: Condition,
): { bytes: Uint8Array; format: AudioFormat } {
  const { samples, sampleRateHz } = readEmodbSamples(item);
  switch (condition) {
    case 'pcmu8k':
      return {
        bytes: toTelephoneBand(samples, sampleRateHz, 'pcmu'),
        format: { codec: 'pcmu', sampleRateHz: 8000 },
      };
    case 'pcma8k':
      return {
        bytes: toTelephoneBand(samples, sampleRateHz, 'pcma'),
        format: { codec: 'pcma', sampleRateHz: 8000 },
      };
    case 'linear16k':
      return {
        bytes: encodeLinear16(resample(samples, sampleRateHz, 16000)),
        format: { codec: 'linear16', sampleRateHz: 16000 },
      };
    case 'pcmu8k-noise': {
      // Line noise: white noise at -50 dBFS RMS (a constant floor, as on a real call).
      const rng = createRng(seedOf(item.id));
      const level = 10 ** (-50 / 20);
      const noisy = Float32Array.from(samples, (s) => s + level * rng.normal());
      return {
        bytes: toTelephoneBand(noisy, sampleRateHz, 'pcmu'),
        format: { codec: 'pcmu', sampleRateHz: 8000 },
      };
    }
    case 'pcmu8k-quiet': {
      // A quiet line: -15 dB before µ-law (coarser relative quantisation).
      const g = 10 ** (-15 / 20);
      const quiet = Float32Array.from(samples, (s) => s * g);
      return {
        bytes: toTelephoneBand(quiet, sampleRateHz, 'pcmu'),
        format: { codec: 'pcmu', sampleRateHz: 8000 },
      };
    }
  }
}

/** The one SpeakerWindow of a 2-s file (the first, if the analyzer returns more). */
export function analyseFile(bytes: Uint8Array, format: AudioFormat): SpeakerWindow {
  const analyzer = createChannelAnalyzer({ format, windowMs: 2000 });
  const windows = [...analyzer.push(bytes), ...analyzer.flush()];
  if (windows.length === 0) throw new Error('the analyzer returned no window');
  return windows[0];
}

interface CachedRow {
  id: string;
  speaker: string;
  label: number;
  speechFraction: number;
  functionals: (number | null)[];
  measures: (number | null)[];
}

/** Hash of the DSP sources and the extraction code: cached rows are reused only while they match. */
function cacheKey(condition: Condition): string {
  const h = createHash('sha256');
  h.update(`v${DATASET_VERSION}:${condition}:${FUNCTIONAL_NAMES.join(',')}`);
  const dspDir = join(REPO, 'pipelines/dsp');
  for (const f of readdirSync(dspDir)
    .filter((n) => n.endsWith('.ts'))
    .sort())
    h.update(readFileSync(join(dspDir, f)));
  // The extraction code itself (not this whole file: unrelated edits keep the cache).
  h.update(renderCondition.toString() + analyseFile.toString() + encodeLinear16.toString());
  return h.digest('hex').slice(0, 16);
}

const toJson = (v: Float64Array): (number | null)[] => Array.from(v, (x) => (Number.isFinite(x) ? x : null));
/** 7 significant digits (what the fixture and the model are trained on; float noise removed). */
const r7 = (x: number): number => Number(x.toPrecision(7));
const fromJson = (v: (number | null)[]): Float64Array =>
  Float64Array.from(v, (x) => (x === null ? NaN : r7(x)));

/** Feature rows of every EmoDB file under `condition` (cached). */
export function loadConditionRows(condition: Condition, log: (m: string) => void = () => {}): FeatureRow[] {
  const file = join(CACHE_DIR, `${condition}-${cacheKey(condition)}.json`);
  let cached: CachedRow[];
  if (existsSync(file)) {
    cached = JSON.parse(readFileSync(file, 'utf8')) as CachedRow[];
  } else {
    const items = listEmodb(emodbRoot());
    const measures = new Float64Array(EVIDENCE_MEASURES.length);
    const t0 = Date.now();
    cached = items.map((item, i) => {
      if (i % 100 === 0)
        log(`  ${condition}: ${i}/${items.length} files (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      const { bytes, format } = renderCondition(item, condition);
      const w = analyseFile(bytes, format);
      return {
        id: item.id,
        speaker: item.speaker,
        label: EMOTION_LABELS.indexOf(item.label),
        speechFraction: w.speechFraction,
        functionals: toJson(w.functionals),
        measures: toJson(evidenceMeasures(w, measures)),
      };
    });
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(cached));
  }
  return cached.map((r) => ({
    id: r.id,
    speaker: r.speaker,
    condition,
    label: r.label,
    speechFraction: r7(r.speechFraction),
    functionals: fromJson(r.functionals),
    measures: fromJson(r.measures),
  }));
}

export { FUNCTIONAL_NAMES };

/** Serialisable form of feature rows (NaN as null): the committed training-features fixture. */
export interface FeatureFixture {
  featureNames: string[];
  rows: (Omit<FeatureRow, 'functionals' | 'measures'> & {
    functionals: (number | null)[];
    measures: (number | null)[];
  })[];
}

export function toFixture(rows: readonly FeatureRow[]): FeatureFixture {
  return {
    featureNames: [...FUNCTIONAL_NAMES],
    rows: rows.map((r) => ({ ...r, functionals: toJson(r.functionals), measures: toJson(r.measures) })),
  };
}

export function fromFixture(f: FeatureFixture): FeatureRow[] {
  return f.rows.map((r) => ({ ...r, functionals: fromJson(r.functionals), measures: fromJson(r.measures) }));
}

/** SHA-256 of the rows' canonical JSON: recorded in the model, checked against the fixture. */
export function rowsDigest(rows: readonly FeatureRow[]): string {
  return createHash('sha256')
    .update(JSON.stringify(toFixture(rows).rows))
    .digest('hex');
}
