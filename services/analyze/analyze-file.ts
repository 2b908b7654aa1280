// Analyses one WAV file end to end: read, decode (pipelines/audio/wav), run the pipeline stages,
// summarise. Reads the file; never throws: any failure becomes a FileFailure with a stable code.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseWav } from '../../pipelines/audio/wav.ts';
import type { EmotionModel } from '../../pipelines/emotion/index.ts';
import { analyzeAudio } from './analyze-audio.ts';
import type { ChannelMap } from './args.ts';
import { AnalyzeError, describeError } from './errors.ts';
import { checkFileSize, checkSampleRate, DEFAULT_MAX_FILE_BYTES, TELEPHONE_RATE_HZ } from './limits.ts';
import type { FileResult } from './types.ts';

/** The whole file, refused before reading when larger than the cap (size from the open file). */
function readBounded(file: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new AnalyzeError('READ_FAILED', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const size = fstatSync(fd).size;
    checkFileSize(file, size, maxBytes);
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const read = readSync(fd, bytes, at, size - at, at);
      if (read === 0) break;
      at += read;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } catch (err) {
    if (err instanceof AnalyzeError) throw err;
    throw new AnalyzeError('READ_FAILED', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/** -80 dBFS: below any microphone's noise floor, as the training data check uses. */
const DIGITAL_SILENCE = 1e-4;

function peakOf(channels: readonly Float32Array[]): number {
  let peak = 0;
  for (const c of channels) for (let i = 0; i < c.length; i++) peak = Math.max(peak, Math.abs(c[i]));
  return peak;
}

export function analyzeFile(
  file: string,
  callId: string,
  channels: ChannelMap | undefined,
  model: EmotionModel,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): FileResult {
  try {
    const bytes = readBounded(file, maxFileBytes);
    const wav = parseWav(bytes, { acceptCut: true });
    checkSampleRate(file, wav.sampleRateHz);
    // A header without audio is a failed recording, not an analysed call (it counted as analysed,
    // exit 0, and a batch job never heard of it).
    if (wav.channels.every((c) => c.length === 0))
      throw new AnalyzeError(
        'EMPTY_AUDIO',
        `${file}: holds no audio samples${wav.missingS > 0 ? ` (its header declares ${wav.missingS.toFixed(1)} s)` : ''}`,
      );
    const analysed = analyzeAudio(wav, { file, callId, channels, model });
    const result = analysed.ok
      ? { ...analysed, contentSha256: createHash('sha256').update(bytes).digest('hex') }
      : analysed;
    if (!result.ok) return result;
    const notes: string[] = [];
    // A recorder that stopped before fixing its header: the audio it wrote is still a call.
    if (wav.missingS > 0)
      notes.push(
        `cut recording: the header declares ${wav.missingS.toFixed(1)} s more audio than the file holds; analysed what is there`,
      );
    // Dead air is a call too (analysed), but a whole file of digital zeros is usually a broken
    // recording path: said, so it is not read as a quiet customer.
    if (peakOf(wav.channels) < DIGITAL_SILENCE)
      notes.push(
        'silent recording: every sample is below -80 dBFS (digital silence: check the recording path)',
      );
    // Accepted down to 4 kHz, but such a file lacks the upper half of the telephone band the
    // model was trained on (spectral shape, tension, formant energy above Nyquist): said, so its
    // states are not read as a call's.
    if (wav.sampleRateHz < TELEPHONE_RATE_HZ)
      notes.push(
        `narrow band: recorded at ${wav.sampleRateHz} Hz, below the 8000 Hz of a phone call; no audio above ${wav.sampleRateHz / 2} Hz, so spectral features and states are less reliable`,
      );
    return notes.length > 0 ? { ...result, notes } : result;
  } catch (err) {
    return { file, ok: false, error: describeError(err) };
  }
}
