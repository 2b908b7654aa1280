// `analyze` refuses what would exhaust the machine. A 1 Hz WAV of 2 KB was
// upsampled 8 000× (16 M samples; 1 MB would ask ~32 GB); a 4 GHz header is as absurd; a file is
// read whole, so its size is capped; and each worker thread has a heap limit, so a runaway file
// fails alone (WORKER_FAILED) while the others finish. A cut recording is analysed, with a note.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../../pipelines/audio/wav.ts';
import { analyzeFile } from '../../../../services/analyze/analyze-file.ts';
import { formatFileResult } from '../../../../services/analyze/format.ts';
import { toModel } from '../../../../services/analyze/model.ts';
import { runPool } from '../../../../services/analyze/pool.ts';
import type { FileResult } from '../../../../services/analyze/types.ts';
import { testModelJson } from '../../../support/analyze/test-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-analyze-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = toModel(testModelJson());

function wavFile(name: string, sampleRateHz: number, samples: number): string {
  const path = join(dir, name);
  // A quiet tone, not digital zeros (those get a note of their own).
  const tone = new Float32Array(samples).map((_, i) => 0.05 * Math.sin(i / 5));
  const bytes = encodeWav({ sampleRateHz: 8000, channels: [tone] });
  // Patch the header's rate (offset 24) and byte rate (28): the encoder refuses odd rates itself.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, Math.min(0xffffffff, sampleRateHz * 2), true);
  writeFileSync(path, bytes);
  return path;
}

const failure = (result: FileResult) => (result.ok ? null : result.error.code);

describe('analyze limits', () => {
  it.each([1, 100, 3_999, 4e9])('refuses a %d Hz file with BAD_SAMPLE_RATE, at once', (rate) => {
    const started = performance.now();
    const result = analyzeFile(wavFile(`rate-${rate}.wav`, rate, 1000), 'rate', undefined, model);
    expect(failure(result)).toBe('BAD_SAMPLE_RATE');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('still analyses an 8 kHz file', () => {
    expect(analyzeFile(wavFile('ok.wav', 8000, 24_000), 'ok', undefined, model).ok).toBe(true);
  });

  it('analyses what a cut recording holds and says how much is missing', () => {
    const path = wavFile('cut.wav', 8000, 48_000);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 32_000)); // the last 2 s never written
    const result = analyzeFile(path, 'cut', undefined, model);
    if (!result.ok) throw new Error(`refused: ${result.error.code}`);
    expect(result.durationS).toBe(4);
    expect(result.notes).toEqual([
      'cut recording: the header declares 2.0 s more audio than the file holds; analysed what is there',
    ]);
    expect(formatFileResult(result).split('\n')[1]).toBe(`  note: ${result.notes?.[0]}`);
  });

  it('refuses a file over the size cap without reading it', () => {
    const path = wavFile('big.wav', 8000, 50_000);
    expect(failure(analyzeFile(path, 'big', undefined, model, 10_000))).toBe('FILE_TOO_LARGE');
  });

  it('a worker over its heap limit fails its file alone', async () => {
    const results = new Map<number, FileResult>();
    await runPool({
      files: ['a', 'hog', 'b'],
      callIds: ['a', 'hog', 'b'],
      jobs: 2,
      workerUrl: new URL('./fixtures/heap-hog-worker.ts', import.meta.url),
      workerData: { channels: undefined, modelJson: null },
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
      onResult: (index, result) => results.set(index, result),
    });
    expect(failure(results.get(1) as FileResult)).toBe('WORKER_FAILED');
    expect(failure(results.get(0) as FileResult)).toBe('FAKE');
    expect(failure(results.get(2) as FileResult)).toBe('FAKE');
  });
});
