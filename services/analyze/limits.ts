// Bounds of the offline `analyze` command on what a file may ask of the machine: a sample rate
// the stages can resample sanely (a 1 Hz file was upsampled 8 000×: 2 KB became 16 M samples,
// 1 MB ~32 GB), a file size read in one piece, and the heap of each worker thread. Pure.
import { AnalyzeError } from './errors.ts';

/** Below 4 kHz there is no telephone band to analyse; above 384 kHz no recorder writes calls. */
export const MIN_SAMPLE_RATE_HZ = 4_000;
export const MAX_SAMPLE_RATE_HZ = 384_000;
/** A phone call's rate (G.711): below it, `analyze` says the file is narrower than a call. */
export const TELEPHONE_RATE_HZ = 8_000;

/** 512 MiB: ~4.6 h of 16-bit stereo at 8 kHz; a file is read and decoded whole. */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Per worker thread: a runaway file fails alone (WORKER_FAILED) instead of the whole run. */
export const WORKER_RESOURCE_LIMITS = {
  maxOldGenerationSizeMb: 2048,
  maxYoungGenerationSizeMb: 64,
  stackSizeMb: 4,
} as const;

export function checkSampleRate(file: string, sampleRateHz: number): void {
  if (!(sampleRateHz >= MIN_SAMPLE_RATE_HZ && sampleRateHz <= MAX_SAMPLE_RATE_HZ)) {
    throw new AnalyzeError(
      'BAD_SAMPLE_RATE',
      `${file}: sample rate ${sampleRateHz} Hz is outside ${MIN_SAMPLE_RATE_HZ}..${MAX_SAMPLE_RATE_HZ} Hz`,
    );
  }
}

export function checkFileSize(file: string, bytes: number, maxBytes: number): void {
  if (bytes > maxBytes) {
    throw new AnalyzeError(
      'FILE_TOO_LARGE',
      `${file}: ${bytes} bytes is more than the ${maxBytes}-byte limit of one file`,
    );
  }
}
