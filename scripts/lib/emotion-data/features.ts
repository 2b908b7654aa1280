// Window features of the emotion corpora through the product's own DSP (pipelines/dsp) at 8 kHz
// G.711 µ-law: per speaker, the simulated call of call-layout.ts streamed through one channel
// analyzer (the live path); per clip, the clip alone (what `analyze` sees of one file). Cached in
// .data/cache/emotion-calls/ while the DSP sources, this layout and the audio files are unchanged. I/O.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createChannelAnalyzer,
  DspError,
  encodeMuLaw,
  FUNCTIONAL_NAMES,
} from '../../../pipelines/dsp/index.ts';
import type { SpeakerWindow } from '../../../pipelines/dsp/types.ts';
import { EVIDENCE_MEASURES, evidenceMeasures } from '../../../pipelines/emotion/evidence.ts';
import { DataError, type Clip } from '../corpora/clip.ts';
import { CALL_RATE_HZ, clipSamples8k } from './clip-audio.ts';
import { GAP_MS, layoutCall, seedOf } from './call-layout.ts';
import { openerLayout } from './opener-layout.ts';
import { createRng } from '../../../pipelines/emotion/train/rng.ts';
import type { Segment } from './call-layout.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// EMOTION_CACHE_DIR: another cache root (the tests keep theirs in a temp folder).
const CACHE_DIR = join(process.env.EMOTION_CACHE_DIR ?? join(REPO, '.data/cache'), 'emotion-calls');
const VERSION = 1;
export const LAYOUT_SEED = 20261204;

/** One analysed window: what the tracker receives (functionals) plus the evidence measures. */
export interface WindowRow {
  startMs: number;
  endMs: number;
  speechFraction: number;
  functionals: Float64Array;
  measures: Float64Array;
}

export interface SpeakerCall {
  corpus: string;
  speaker: string;
  condition: Condition;
  clips: Clip[];
  segments: Segment[];
  /** The call's windows in order (live path). */
  windows: WindowRow[];
  /** Per clip (same order as `clips`), its windows when analysed alone (cold path). */
  cold: WindowRow[][];
}

const r7 = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(7)) : null);
const unpack = (v: (number | null)[]): Float64Array => Float64Array.from(v, (x) => (x === null ? NaN : x));

function toRow(w: SpeakerWindow, measures: Float64Array): WindowRow {
  return {
    startMs: w.startMs,
    endMs: w.endMs,
    speechFraction: w.speechFraction,
    functionals: Float64Array.from(w.functionals),
    measures: Float64Array.from(evidenceMeasures(w, measures)),
  };
}

function analyse(samples: Float32Array): WindowRow[] {
  const analyzer = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: CALL_RATE_HZ } });
  const bytes = encodeMuLaw(samples);
  const measures = new Float64Array(EVIDENCE_MEASURES.length);
  return [...analyzer.push(bytes), ...analyzer.flush()].map((w) => toRow(w, measures));
}

/** Builds one speaker's call audio from its clips' samples and the layout. */
export function callSamples(parts: readonly Float32Array[], segments: readonly Segment[]): Float32Array {
  const last = segments[segments.length - 1];
  const out = new Float32Array(Math.round(((last.endMs + GAP_MS) * CALL_RATE_HZ) / 1000));
  for (const s of segments) out.set(parts[s.clip], Math.round((s.startMs * CALL_RATE_HZ) / 1000));
  return out;
}

/**
 * Recording conditions: `clean` as the corpus has it; training augmentations only: `noise20` the
 * same call with white line noise at 20 dB SNR (against the speech RMS, seeded per speaker),
 * `quiet20` the same call 20 dB quieter (a low line level).
 */
export type Condition = 'clean' | 'noise20' | 'quiet20';

function withNoise(samples: Float32Array, parts: readonly Float32Array[], seed: number): Float32Array {
  let sum = 0;
  let n = 0;
  for (const p of parts) {
    for (const x of p) sum += x * x;
    n += p.length;
  }
  const level = Math.sqrt(sum / Math.max(1, n)) * 10 ** (-20 / 20);
  const rng = createRng(seed);
  return Float32Array.from(samples, (x) => x + level * rng.normal());
}

/** A clip's 8 kHz audio; a rate the resampler does not take (1 Hz) is the clip's DATA_AUDIO, named. */
function clipAudio(path: string): Float32Array {
  try {
    return clipSamples8k(path);
  } catch (error) {
    if (error instanceof DspError) throw new DataError('DATA_AUDIO', `${path}: ${error.message}`);
    throw error;
  }
}

/** Analyses one speaker: the call and (clean only) each clip alone. */
export function analyseSpeaker(
  corpus: string,
  speaker: string,
  clips: Clip[],
  condition: Condition = 'clean',
  opener?: string,
): SpeakerCall {
  const parts = clips.map((c) => clipAudio(c.path));
  const durations = parts.map((p) => (p.length * 1000) / CALL_RATE_HZ);
  const segments =
    opener === undefined
      ? layoutCall(speaker, clips, durations, LAYOUT_SEED)
      : openerLayout(speaker, clips, durations, LAYOUT_SEED, opener);
  const call = callSamples(parts, segments);
  const clean = condition === 'clean';
  return {
    corpus,
    speaker,
    condition,
    clips,
    segments,
    windows: analyse(
      clean
        ? call
        : condition === 'quiet20'
          ? call.map((x) => x * 0.1)
          : withNoise(call, parts, seedOf(speaker, LAYOUT_SEED + 1)),
    ),
    cold: clean && opener === undefined ? parts.map(analyse) : [],
  };
}

export function dspDigest(): string {
  const h = createHash('sha256');
  h.update(`v${VERSION}:${LAYOUT_SEED}:${FUNCTIONAL_NAMES.join(',')}`);
  const dspDir = join(REPO, 'pipelines/dsp');
  for (const f of readdirSync(dspDir)
    .filter((n) => n.endsWith('.ts'))
    .sort())
    h.update(readFileSync(join(dspDir, f)));
  for (const f of ['call-layout.ts', 'clip-audio.ts'])
    h.update(readFileSync(join(dirname(fileURLToPath(import.meta.url)), f)));
  return h.digest('hex').slice(0, 12);
}

type PackedRow = Omit<WindowRow, 'functionals' | 'measures'> & {
  functionals: (number | null)[];
  measures: (number | null)[];
};
const pack = (r: WindowRow): PackedRow => ({
  ...r,
  speechFraction: r7(r.speechFraction)!,
  functionals: Array.from(r.functionals, r7),
  measures: Array.from(r.measures, r7),
});
const unpackRow = (r: PackedRow): WindowRow => ({
  ...r,
  functionals: unpack(r.functionals),
  measures: unpack(r.measures),
});

const digests = new Map<string, string>();
/** A file's content hash, once per process (a corpus is read for several conditions). */
function fileDigest(path: string): string {
  let digest = digests.get(path);
  if (digest === undefined) {
    try {
      digest = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    } catch {
      // Unreadable (a folder listed as a file): clipSamples8k names the problem when it is analysed.
      digest = 'unreadable';
    }
    digests.set(path, digest);
  }
  return digest;
}

/** A content hash of calls: their labels, layout and every window's functionals. */
export function callsDigest(calls: readonly SpeakerCall[]): string {
  const hash = createHash('sha256');
  for (const c of calls) {
    hash.update(JSON.stringify([c.corpus, c.speaker, c.condition, c.clips, c.segments]));
    for (const w of c.windows)
      hash.update(new Uint8Array(w.functionals.buffer, w.functionals.byteOffset, w.functionals.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

type PackedCall = Omit<SpeakerCall, 'windows' | 'cold'> & { windows: PackedRow[]; cold: PackedRow[][] };

const unpackCall = (c: PackedCall): SpeakerCall => ({
  ...c,
  condition: c.condition ?? 'clean',
  windows: c.windows.map(unpackRow),
  cold: c.cold.map((w) => w.map(unpackRow)),
});

/** Every speaker's call of one corpus (cached per corpus, its file list and the DSP sources). */
export function corpusCalls(
  corpus: string,
  clips: readonly Clip[],
  log: (m: string) => void,
  condition: Condition = 'clean',
  opener?: string,
): SpeakerCall[] {
  const variant = [condition === 'clean' ? '' : condition, opener ? `opener-${opener}` : '']
    .filter(Boolean)
    .join('-');
  const key = createHash('sha256')
    .update(dspDigest())
    .update(variant)
    // The opener protocol's own layout code (the default layout is in dspDigest).
    .update(opener ? readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'opener-layout.ts')) : '')
    .update(JSON.stringify(clips))
    // The audio itself: a file replaced under the same name must not be read from the cache.
    .update(clips.map((c) => fileDigest(c.path)).join(','))
    .digest('hex')
    .slice(0, 16);
  const file = join(CACHE_DIR, `${corpus}${variant ? `-${variant}` : ''}-${key}.json`);
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as PackedCall[]).map(unpackCall);
  const speakers = [...new Set(clips.map((c) => c.speaker))].sort();
  const t0 = Date.now();
  const calls = speakers.map((s, i) => {
    if (i % 10 === 0)
      log(
        `  ${corpus} ${variant || condition}: speaker ${i + 1}/${speakers.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
    return analyseSpeaker(
      corpus,
      s,
      clips.filter((c) => c.speaker === s),
      condition,
      opener,
    );
  });
  const packed: PackedCall[] = calls.map((c) => ({
    ...c,
    windows: c.windows.map(pack),
    cold: c.cold.map((w) => w.map(pack)),
  }));
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(packed));
  // What a later run reads from the cache (7 significant digits), not the unrounded values: a
  // first run on a new machine then fits and scores exactly what every later run does (the
  // shipped model rebuilds byte for byte either way).
  return packed.map(unpackCall);
}
