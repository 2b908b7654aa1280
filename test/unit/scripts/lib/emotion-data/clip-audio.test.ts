// A clip's audio for the emotion eval and training (scripts/lib/emotion-data/clip-audio.ts): 8 kHz
// files as a live call of their codec gives them, and one DATA_AUDIO line naming the file for
// anything that is not one speaker's audio (never a stack trace, never a clip scored on silence).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../../../pipelines/audio/wav.ts';
import { DataError } from '../../../../../scripts/lib/corpora/clip.ts';
import { clipSamples8k } from '../../../../../scripts/lib/emotion-data/clip-audio.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-clip-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (n: number, rate: number) =>
  Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 200 * i) / rate));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function refusal(path: string): DataError {
  try {
    clipSamples8k(path);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe('clip audio', () => {
  it('takes an 8 kHz file as it is, whatever its encoding, and resamples other rates', () => {
    const samples = tone(8000, 8000);
    for (const encoding of ['pcm16', 'alaw', 'mulaw'] as const) {
      const path = file(
        `8k-${encoding}.wav`,
        encodeWav({ sampleRateHz: 8000, channels: [samples] }, encoding),
      );
      const out = clipSamples8k(path);
      expect(out.length).toBe(8000);
      // The codec's own rounding only: no band-pass filter, no second codec.
      expect(Math.max(...out.map((v, i) => Math.abs(v - samples[i])))).toBeLessThan(0.02);
    }
    const wide = file('16k.wav', encodeWav({ sampleRateHz: 16000, channels: [tone(16000, 16000)] }));
    expect(clipSamples8k(wide).length).toBe(8000);
  });

  it.each([
    ['not a WAV file', () => file('text.wav', 'corpus,file\n'), 'DATA_AUDIO', /text\.wav: .*RIFF/],
    [
      'stereo',
      () =>
        file('stereo.wav', encodeWav({ sampleRateHz: 8000, channels: [tone(800, 8000), tone(800, 8000)] })),
      'DATA_AUDIO',
      /stereo\.wav has 2 channels: give one speaker's channel/,
    ],
    [
      'empty',
      () => file('empty.wav', encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(0)] })),
      'DATA_AUDIO',
      /empty\.wav holds no samples/,
    ],
    [
      'silent',
      () => file('silent.wav', encodeWav({ sampleRateHz: 8000, channels: [new Float32Array(8000)] })),
      'DATA_AUDIO',
      /silent\.wav is silent/,
    ],
    [
      'a folder',
      () => {
        mkdirSync(join(dir, 'folder.wav'));
        return join(dir, 'folder.wav');
      },
      'DATA_AUDIO',
      /folder\.wav is a folder/,
    ],
  ])('refuses a file that is %s, naming it', (_what, make, code, message) => {
    const error = refusal(make());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
