// bench:dsp — speed and memory of pipelines/dsp on one speaker: x real time at 8 and 16 kHz with
// the full feature set, meyda's own extract() of 7 features on the same audio in the same run,
// bytes held per live channel and heap growth per hour of audio. Prints ONE JSON object.

import meydaModule from 'meyda';
import { createChannelAnalyzer, encodeMuLaw, encodeLinear16 } from '../pipelines/dsp/index.ts';
import { addNoise, bandPass, synthVoiced } from '../devkit/audio/test-signals.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';
import { noArgs } from '../services/shared/cli-args.ts';

noArgs('bench:dsp', 'usage: npm run bench:dsp (no arguments; prints one JSON object)');

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

interface Speed {
  /** Audio seconds per CPU second of this process (one core), best of the repetitions. */
  cpu: number;
  /** Audio seconds per wall-clock second, best of the repetitions. */
  wall: number;
}

/** Best-of-`reps` timing: the machine is shared, so the least disturbed run is the figure. */
function timeRuns(reps: number, run: () => void, audioS: number): Speed {
  let cpu = Infinity;
  let wall = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { cpu: audioS / cpu, wall: audioS / wall };
}

function timeAnalyzer(
  bytes: Uint8Array,
  sampleRateHz: number,
  codec: 'pcmu' | 'linear16',
  audioS: number,
): Speed {
  const chunk = (sampleRateHz / 50) * (codec === 'pcmu' ? 1 : 2); // 20 ms packets, as live
  return timeRuns(
    7,
    () => {
      const a = createChannelAnalyzer({ format: { codec, sampleRateHz } });
      for (let i = 0; i < bytes.length; i += chunk) a.push(bytes.subarray(i, i + chunk));
      a.flush();
    },
    audioS,
  );
}

function timeMeydaNaive(x: Float32Array, sampleRateHz: number, audioS: number): Speed {
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
  return timeRuns(
    3,
    () => {
      for (let s = 0; s + bufferSize <= x.length; s += hop) {
        frame.set(x.subarray(s, s + bufferSize));
        Meyda.extract([...features], frame);
      }
    },
    audioS,
  );
}

/** JS heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576;
}

function main(): void {
  const seconds = 20;
  const x8 = speechLike(8000, seconds);
  const x16 = speechLike(16000, seconds);
  const mu8 = encodeMuLaw(x8);
  const l16 = encodeLinear16(x16);
  log('warm-up ...');
  timeAnalyzer(mu8, 8000, 'pcmu', seconds);
  timeAnalyzer(l16, 16000, 'linear16', seconds);
  log('timing 8 kHz and 16 kHz ...');
  const x8k = timeAnalyzer(mu8, 8000, 'pcmu', seconds);
  const x16k = timeAnalyzer(l16, 16000, 'linear16', seconds);
  log('timing meyda extract() ...');
  const meyda = timeMeydaNaive(x8, 8000, seconds);

  // Heap growth: one analyzer fed one hour of audio (the 20-s clip repeated) in 20 ms packets.
  log('one hour of audio through one analyzer ...');
  const a = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  // Growth between 30 and 60 minutes (the first minutes include JIT and warm-up garbage).
  const half = 1800 / seconds;
  for (let i = 0; i < half; i++) for (let k = 0; k < mu8.length; k += 160) a.push(mu8.subarray(k, k + 160));
  const h0 = heapMb();
  for (let i = 0; i < half; i++) for (let k = 0; k < mu8.length; k += 160) a.push(mu8.subarray(k, k + 160));
  const growth = (heapMb() - h0) * 2;

  // Memory per live channel: JS heap + typed-array buffers held by 200 analyzers that have seen
  // 3 s of audio (shared tables and scratch excluded: they exist once per process).
  const before = heapMb();
  const held = [];
  for (let i = 0; i < 200; i++) {
    const c = createChannelAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
    c.push(mu8.subarray(0, 8000 * 3));
    held.push(c);
  }
  const bytesPerChannel = ((heapMb() - before) * 1048576) / held.length;

  const out = {
    x_realtime_8k: round(x8k.cpu),
    x_realtime_16k: round(x16k.cpu),
    meyda_naive_x_realtime_8k: round(meyda.cpu),
    speedup_vs_meyda_naive: round(x8k.cpu / meyda.cpu, 2),
    x_realtime_8k_wall: round(x8k.wall),
    x_realtime_16k_wall: round(x16k.wall),
    meyda_naive_x_realtime_8k_wall: round(meyda.wall),
    timing: 'best of 7 (meyda 3) runs; x_realtime_* from process CPU time (one core), *_wall from wall clock',
    bytes_per_channel_state: Math.round(bytesPerChannel),
    heap_growth_mb_per_hour_audio: round(growth, 3),
    audio_seconds_per_run: seconds,
    node: process.version,
  };
  emitBenchmark('dsp', out);
}

main();
