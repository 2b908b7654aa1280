// EmoDB (Berlin Database of Emotional Speech, 2-s copy) reader for training and eval scripts: lists
// the utterances with speaker, text, emotion and syllable count, and reads their audio. Does file
// I/O on the data folder (env EMODB_DIR, default <repo>/../shared/data/emodb); never product runtime.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../../pipelines/audio/wav.ts';
import type { EmotionLabel } from '../../pipelines/emotion/types.ts';

export type EmodbCode = 'W' | 'L' | 'E' | 'A' | 'F' | 'T' | 'N';

export interface EmodbItem {
  /** File name without extension, e.g. '03a01Fa'. */
  id: string;
  wavPath: string;
  /** Two-digit speaker code, e.g. '03'. */
  speaker: string;
  /** Text code, e.g. 'a01' (one of the ten sentences a01…a05, b01…b10). */
  text: string;
  code: EmodbCode;
  label: EmotionLabel;
  /** Syllables whose onset is below 2.0 s (truth for the 2-s file); null without a usable silb file. */
  syllablesBelow2s: number | null;
  /** Onsets (s) of those syllables, ascending; null without a usable silb file. */
  syllableOnsets: number[] | null;
}

export const EMODB_LABELS: Record<EmodbCode, EmotionLabel> = {
  N: 'neutral',
  F: 'happy',
  W: 'angry',
  T: 'sad',
  A: 'anxious',
  L: 'bored',
  E: 'disgust',
};

const ID_PATTERN = /^(\d\d)([ab]\d\d)([WLEAFTN])([a-z])$/;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function emodbRoot(): string {
  return process.env.EMODB_DIR || resolve(REPO_ROOT, '../shared/data/emodb');
}

/** Every utterance in wav/, sorted by id. Throws when the folder is missing. */
export function listEmodb(root: string = emodbRoot()): EmodbItem[] {
  const wavDir = join(root, 'wav');
  if (!existsSync(wavDir)) {
    throw Object.assign(new Error(`EmoDB not found: ${wavDir} does not exist (set EMODB_DIR)`), {
      code: 'DATA_MISSING',
    });
  }
  const items: EmodbItem[] = [];
  for (const name of readdirSync(wavDir).sort()) {
    if (!name.endsWith('.wav')) continue;
    const id = name.slice(0, -4);
    const m = ID_PATTERN.exec(id);
    if (!m) continue;
    const code = m[3] as EmodbCode;
    items.push({
      id,
      wavPath: join(wavDir, name),
      speaker: m[1],
      text: m[2],
      code,
      label: EMODB_LABELS[code],
      ...syllablesOf(join(root, 'silb', `${id}.silb`)),
    });
  }
  return items;
}

/** Tokens of silb/ that are not syllables: '.' ends the utterance, '(' marks a pause (breath). */
const NON_SYLLABLES = new Set(['.', '(']);

/**
 * Lines of `onset syllable` (tab or spaces; Latin-1 text). Counts onsets below 2.0 s, excluding
 * the final '.' (end of utterance) and '(' pause marks, which labsilb/ lists without a stress value.
 */
export function countSyllablesBelow2s(silbPath: string): number | null {
  return syllablesOf(silbPath).syllablesBelow2s;
}

function syllablesOf(silbPath: string): Pick<EmodbItem, 'syllablesBelow2s' | 'syllableOnsets'> {
  if (!existsSync(silbPath)) return { syllablesBelow2s: null, syllableOnsets: null };
  const text = readFileSync(silbPath, 'latin1');
  let lines = 0;
  const onsets: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    const onset = Number(parts[0]);
    if (!Number.isFinite(onset)) continue;
    lines++;
    if (onset < 2.0 && !NON_SYLLABLES.has(parts[1])) onsets.push(onset);
  }
  if (lines === 0) return { syllablesBelow2s: null, syllableOnsets: null };
  return { syllablesBelow2s: onsets.length, syllableOnsets: onsets.sort((a, b) => a - b) };
}

/** Mono samples of one utterance (first channel) at the file's rate. */
export function readEmodbSamples(item: Pick<EmodbItem, 'wavPath'>): {
  samples: Float32Array;
  sampleRateHz: number;
} {
  const wav = parseWav(readFileSync(item.wavPath));
  return { samples: wav.channels[0], sampleRateHz: wav.sampleRateHz };
}
