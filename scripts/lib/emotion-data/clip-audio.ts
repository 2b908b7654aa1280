// A clip's audio as the telephone channel carries it: 8 kHz samples of the G.711 µ-law signal.
// 8 kHz µ-law files are taken as they are; anything else goes through the telephone band
// (band-limited resampling, 300-3400 Hz, µ-law) first. I/O: reads the file.
import { readFileSync } from 'node:fs';
import { parseWav } from '../../../pipelines/audio/wav.ts';
import { decodeMuLaw, toTelephoneBand } from '../../../pipelines/dsp/index.ts';

export const CALL_RATE_HZ = 8000;

export function clipSamples8k(path: string): Float32Array {
  const wav = parseWav(readFileSync(path));
  const mono = wav.channels[0];
  if (wav.sampleRateHz === CALL_RATE_HZ && wav.encoding === 'mulaw') return mono;
  return decodeMuLaw(toTelephoneBand(mono, wav.sampleRateHz, 'pcmu'));
}
