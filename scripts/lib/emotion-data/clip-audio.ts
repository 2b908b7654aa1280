// A clip's audio as the telephone channel carries it: 8 kHz samples. A file at 8 kHz is taken as
// it is, whatever its encoding (µ-law, A-law or linear: what a live call of that codec gives the
// DSP); any other rate goes through the telephone band (band-limited resampling, 300-3400 Hz,
// µ-law) first. A file that is not one speaker's audio is refused with a DataError naming it.
// I/O: reads the file.
import { readFileSync } from 'node:fs';
import { parseWav, WavError } from '../../../pipelines/audio/wav.ts';
import { decodeMuLaw, toTelephoneBand } from '../../../pipelines/dsp/index.ts';
import { DataError } from '../corpora/clip.ts';

export const CALL_RATE_HZ = 8000;
/** Peak below which a clip is digital silence (-80 dBFS): nothing for the model to hear. */
const SILENT_PEAK = 1e-4;

function readWav(path: string): ReturnType<typeof parseWav> {
  try {
    return parseWav(readFileSync(path));
  } catch (error) {
    if (error instanceof WavError) throw new DataError('DATA_AUDIO', `${path}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new DataError('DATA_AUDIO', `${path} is a folder, not a WAV file`);
    if (code === 'ENOENT') throw new DataError('DATA_MISSING', `${path} does not exist`);
    throw error;
  }
}

export function clipSamples8k(path: string): Float32Array {
  const wav = readWav(path);
  if (wav.channels.length !== 1) {
    throw new DataError(
      'DATA_AUDIO',
      `${path} has ${wav.channels.length} channels: give one speaker's channel per clip (a stereo call: split it, e.g. sox in.wav caller.wav remix 2)`,
    );
  }
  const mono = wav.channels[0];
  let peak = 0;
  for (const v of mono) peak = Math.max(peak, Math.abs(v));
  if (mono.length === 0) throw new DataError('DATA_AUDIO', `${path} holds no samples`);
  if (peak < SILENT_PEAK) throw new DataError('DATA_AUDIO', `${path} is silent (peak below -80 dBFS)`);
  if (wav.sampleRateHz === CALL_RATE_HZ) return mono;
  return decodeMuLaw(toTelephoneBand(mono, wav.sampleRateHz, 'pcmu'));
}
