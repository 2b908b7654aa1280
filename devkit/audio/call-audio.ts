// Audio for simulated calls: stereo WAV files (agent = left, customer = right; a mono file is the
// customer with a silent agent), a folder of them, or the synthetic generator; converted to the
// call's codec and rate with pipelines/dsp. I/O: reads WAV files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '../../pipelines/audio/wav.ts';
import {
  encodeALaw,
  encodeLinear16,
  encodeMuLaw,
  resample,
  toTelephoneBand,
} from '../../pipelines/dsp/index.ts';
import type { WireCodec } from '../../services/shared/records.ts';
import { synthesizeCall } from './synthetic-voices.ts';

/** A two-channel call as float samples at one rate: what every call builder of devkit/ returns. */
export interface StereoAudio {
  sampleRateHz: number;
  agent: Float32Array;
  customer: Float32Array;
}

export interface CallAudioSource extends StereoAudio {
  name: string;
  /** Set when the file already holds 8 kHz G.711 (e.g. assets/nemo-calls): sent as recorded. */
  telephoneCodec?: 'pcmu' | 'pcma';
}

export interface EncodedCallAudio {
  name: string;
  codec: WireCodec;
  sampleRateHz: 8000 | 16000;
  agent: Uint8Array;
  customer: Uint8Array;
  durationMs: number;
}

export function readCallWav(path: string): CallAudioSource {
  const wav = parseWav(readFileSync(path));
  const [first, second] = wav.channels;
  const g711 = wav.encoding === 'mulaw' ? 'pcmu' : wav.encoding === 'alaw' ? 'pcma' : undefined;
  return {
    name: path,
    sampleRateHz: wav.sampleRateHz,
    agent: second ? first : new Float32Array(first.length),
    customer: second ?? first,
    telephoneCodec: wav.sampleRateHz === 8000 ? g711 : undefined,
  };
}

/** One source per .wav file of a folder (sorted), or the one file. */
export function loadCallAudio(path: string): CallAudioSource[] {
  if (!statSync(path).isDirectory()) return [readCallWav(path)];
  const files = readdirSync(path)
    .filter((file) => file.toLowerCase().endsWith('.wav'))
    .sort();
  if (files.length === 0) throw new Error(`no .wav files in ${path}`);
  return files.map((file) => readCallWav(join(path, file)));
}

export function syntheticCallAudio(seconds: number, seed: number): CallAudioSource {
  const call = synthesizeCall({ seconds, seed, sampleRateHz: 16000 });
  return {
    name: `synthetic-${seed}`,
    sampleRateHz: call.sampleRateHz,
    agent: call.agent,
    customer: call.customer,
  };
}

function encodeChannel(
  samples: Float32Array,
  fromHz: number,
  codec: WireCodec,
  toHz: 8000 | 16000,
  recordedAs?: 'pcmu' | 'pcma',
): Uint8Array {
  // Already a telephone recording in this codec: re-encoding decoded G.711 gives back the file's
  // bytes, so the call goes out exactly as recorded (no second band-pass).
  if (recordedAs === codec && toHz === 8000)
    return codec === 'pcmu' ? encodeMuLaw(samples) : encodeALaw(samples);
  // 8 kHz: the telephone channel (band-limit, 300-3400 Hz band-pass, encode) as a real line does.
  if (toHz === 8000) return toTelephoneBand(samples, fromHz, codec);
  const at = fromHz === toHz ? samples : resample(samples, fromHz, toHz);
  if (codec === 'pcmu') return encodeMuLaw(at);
  if (codec === 'pcma') return encodeALaw(at);
  return encodeLinear16(at);
}

export function encodeCallAudio(
  source: CallAudioSource,
  codec: WireCodec,
  sampleRateHz: 8000 | 16000,
): EncodedCallAudio {
  const { sampleRateHz: fromHz, telephoneCodec } = source;
  const agent = encodeChannel(source.agent, fromHz, codec, sampleRateHz, telephoneCodec);
  const customer = encodeChannel(source.customer, fromHz, codec, sampleRateHz, telephoneCodec);
  const bytesPerSample = codec === 'linear16' ? 2 : 1;
  return {
    name: source.name,
    codec,
    sampleRateHz,
    agent,
    customer,
    durationMs: (Math.max(agent.length, customer.length) / bytesPerSample / sampleRateHz) * 1000,
  };
}
