// The emotion eval's feature cache (scripts/lib/emotion-data/features.ts): the run that computes a
// corpus's features returns exactly what later runs read from the cache, so a new machine's first
// `train:emotion -- --check` fits the same numbers as every later run (it returned unrounded ones).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../../../pipelines/audio/wav.ts';
import type { Clip } from '../../../../../scripts/lib/corpora/clip.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-features-cache-'));
process.env.EMOTION_CACHE_DIR = join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A voiced-ish test signal: a 120-180 Hz glide with harmonics, 2 s at 8 kHz. */
function clip(name: string, label: Clip['label'], loud: number): Clip {
  const n = 16_000;
  const samples = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * (120 + (60 * i) / n)) / 8000;
    samples[i] = loud * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
  }
  const path = join(dir, `${name}.wav`);
  writeFileSync(path, encodeWav({ sampleRateHz: 8000, channels: [samples] }, 'mulaw'));
  return {
    corpus: 'own',
    path,
    speaker: 'own-1',
    language: 'en',
    label,
    arousal: null,
    calm: label === 'neutral',
  };
}

describe('feature cache', () => {
  it('gives the computing run the same numbers as a run that reads the cache', async () => {
    const { corpusCalls } = await import('../../../../../scripts/lib/emotion-data/features.ts');
    const clips = [clip('n1', 'neutral', 0.2), clip('n2', 'neutral', 0.25), clip('a1', 'angry', 0.6)];
    const computed = corpusCalls('own', clips, () => undefined);
    const read = corpusCalls('own', clips, () => undefined);
    expect(computed[0].windows.length).toBeGreaterThan(0);
    expect(computed).toEqual(read);
  });
});
