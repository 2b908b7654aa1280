// bench:dsp — speed and memory of pipelines/dsp on one speaker: x real time at 8 and 16 kHz with
// the full feature set, meyda's own extract() of 7 features on the same audio in the same run,
// bytes held per live channel and heap growth per hour of audio. Prints ONE JSON object.

import meydaModule from 'meyda';
import { createChannelAnalyzer, encodeMuLaw, encodeLinear16 } from '../pipelines/dsp/index.ts';
import { addNoise, bandPass, synthVoiced } from './lib/synth.ts';

/** The fields of meyda's default export used here (its .d.ts does not match Node's CJS interop). */
interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  windowingFunction: string;
  extract(features: string[], signal: Float32Array): unknown;
}
const Meyda = meydaModule as unknown as MeydaLike;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

/** 20 s of speech-like audio: voiced stretches with a moving F0 and pauses, telephone band. */
function speechLike(sampleRateHz: number, seconds: number): Float32Array {
  const sig = synthVoiced({
    sampleRateHz,
    durationS: seconds,
    f0: (t) => 140 * Math.pow(2, (3 * Math.sin(2 * Math.PI * 0.7 * t)) / 12),
    voiced: (t) => t % 1.3 < 0.9,
    jitter: 0.01,
    shimmer: 0.05,
    seed: 3,
  });
  return addNoise(bandPass(sig.samples, sampleRateHz), 25, 5);
}

function timeAnalyzer(
  bytes: Uint8Array,
  sampleRateHz: number,
  codec: 'pcmu' | 'linear16',
  audioS: number,
): number {
  const chunk = (sampleRateHz / 50) * (codec === 'pcmu' ? 1 : 2); // 20 ms packets, as live
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const a = createChannelAnalyzer({ format: { codec, sampleRateHz } });
    const t0 = performance.now();
    for (let i = 0; i < bytes.length; i += chunk) a.push(bytes.subarray(i, i + chunk));
    a.flush();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return audioS / best;
}

function timeMeydaNaive(x: Float32Array, sampleRateHz: number, audioS: number): number {
  const bufferSize = 256;
  const hop = sampleRateHz / 100;
  Meyda.bufferSize = bufferSize;
  Meyda.sampleRate = sampleRateHz;
  Meyda.windowingFunction = 'hanning';
  const features = [
    'rms',
    'zcr',
    'spectralCentroid',
    'spectralFlatness',
    'spectralSlope',
    'spectralRolloff',
    'mfcc',
  ] as const;
  const frame = new Float32Array(bufferSize);
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const t0 = performance.now();
    for (let s = 0; s + bufferSize <= x.length; s += hop) {
      frame.set(x.subarray(s, s + bufferSize));
      Meyda.extract([...features], frame);
    }
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return audioS / best;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

function main(): void {
  const seconds = 20;
  const x8 = speechLike(8000, seconds);
  const x16 = speechLike(16000, seconds);
  const mu8 = encodeMuLaw(x8);
  const l16 = encodeLinear16(x16);
  log('warm-up ...');
  timeAnalyzer(mu8, 8000, 'pcmu', seconds);
  log('timing 8 kHz and 16 kHz ...');
  const x8k = timeAnalyzer(mu8, 8000, 'pcmu', seconds);
  const x16k = timeAnalyzer(l16, 16000, 'linear16', seconds);
  log('timing meyda extract() ...');
  const meyda = timeMeydaNaive(x8, 8000, seconds);

  // Memory per live channel: heap held by 200 analyzers that have seen audio.
  const before = heapMb();
  const held = [];
  for (let i = 0; i < 200; i++) {
    const a = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
    a.push(mu8.subarray(0, 8000 * 3));
    held.push(a);
  }
  const bytesPerChannel = ((heapMb() - before) * 1048576) / held.length;
  held.length = 0;

  // Heap growth: one analyzer fed one hour of audio (the 20-s clip repeated).
  const a = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  for (let i = 0; i < 30; i++) a.push(mu8);
  const h0 = heapMb();
  const reps = 3600 / seconds;
  for (let i = 0; i < reps; i++) for (let k = 0; k < mu8.length; k += 160) a.push(mu8.subarray(k, k + 160));
  const growth = heapMb() - h0;

  const out = {
    x_realtime_8k: round(x8k),
    x_realtime_16k: round(x16k),
    meyda_naive_x_realtime_8k: round(meyda),
    speedup_vs_meyda_naive: round(x8k / meyda, 2),
    bytes_per_channel_state: Math.round(bytesPerChannel),
    heap_growth_mb_per_hour_audio: round(growth, 3),
    audio_seconds_per_run: seconds,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
