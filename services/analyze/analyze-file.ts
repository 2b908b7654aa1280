// Analyses one WAV file end to end: read, decode (pipelines/audio/wav), run the pipeline stages,
// summarise. Reads the file; never throws: any failure becomes a FileFailure with a stable code.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseWav } from '../../pipelines/audio/wav.ts';
import type { EmotionModel } from '../../pipelines/emotion/index.ts';
import { analyzeAudio } from './analyze-audio.ts';
import type { ChannelMap } from './args.ts';
import { AnalyzeError, describeError } from './errors.ts';
import type { FileResult } from './types.ts';

export function analyzeFile(file: string, channels: ChannelMap | undefined, model: EmotionModel): FileResult {
  try {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new AnalyzeError('READ_FAILED', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const wav = parseWav(bytes);
    // The call id names the recording in event ids; the file name without its extension.
    const callId = basename(file).replace(/\.[^.]*$/, '');
    return analyzeAudio(wav, { file, callId, channels, model });
  } catch (err) {
    return { file, ok: false, error: describeError(err) };
  }
}
