// bench:alloc — what the live hot path allocates in steady state: a shipped stereo call (8 kHz
// µ-law as recorded, and as 16 kHz linear PCM) through the call analyzer alone and with both emotion
// trackers, and as 100-ms records through the dsp-worker's call states, counted in bytes (devkit/heap: exact counts from V8's heap statistics, independent of
// machine load), the functions that allocate most, and CPU time per window. Prints ONE JSON object.
import { allocationSites } from '../devkit/heap/allocation-sites.ts';
import { demoCallAudio, hotPathCall, shippedEmotionModel } from '../devkit/heap/hot-path-call.ts';
import { steadyAllocation, type SteadyAllocation } from '../devkit/heap/steady-state.ts';
import { bytesPerRecordBetweenWindows } from '../devkit/heap/worker-records.ts';
import type { EmotionModel } from '../pipelines/emotion/index.ts';
import type { EncodedCallAudio } from '../devkit/audio/call-audio.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';
import { noArgs } from '../services/shared/cli-args.ts';

noArgs('bench:alloc', 'usage: npm run bench:alloc (no arguments; prints one JSON object)');

const CALL = 'call-2-angry-recovers';
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

function figures(prefix: string, a: SteadyAllocation): Record<string, number> {
  return {
    [`${prefix}_bytes_per_frame`]: round(a.bytesPerFrame),
    [`${prefix}_bytes_per_frame_between_windows`]: round(a.bytesPerFrameBetweenWindows),
    [`${prefix}_bytes_per_window`]: Math.round(a.bytesPerWindow),
  };
}

/** CPU µs per speaker window of the whole call (DSP and both trackers), best of `reps` runs. */
function cpuUsPerWindow(audio: EncodedCallAudio, model: EmotionModel, reps: number): number {
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const call = hotPathCall(audio, model);
    const c0 = process.cpuUsage();
    for (let k = 0; k < call.packets; k++) call.step(k);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / call.windows());
  }
  return best;
}

function main(): void {
  const model = shippedEmotionModel();
  const pcmu = demoCallAudio(CALL, 'pcmu', 8000);
  const l16 = demoCallAudio(CALL, 'linear16', 16000);
  log('counting allocations (8 kHz µ-law, 16 kHz linear PCM) ...');
  const counted = {
    ...figures('pcmu8k_dsp', steadyAllocation(pcmu, null)),
    ...figures('pcmu8k_dsp_emotion', steadyAllocation(pcmu, model)),
    ...figures('l16_16k_dsp', steadyAllocation(l16, null)),
    ...figures('l16_16k_dsp_emotion', steadyAllocation(l16, model)),
    worker_bytes_per_record_between_windows: Math.round(bytesPerRecordBetweenWindows(pcmu)),
  };
  log('sampling allocation sites ...');
  const call = hotPathCall(pcmu, model);
  for (let k = 0; k < 1000; k++) call.step(k);
  const sites = allocationSites(() => {
    for (let k = 1000; k < call.packets; k++) call.step(k);
  }, 12);
  const frames = (call.packets - 1000) * 2 * call.framesPerPacket;
  log('timing ...');
  emitBenchmark('alloc', {
    ...counted,
    top_sites_bytes_per_frame: Object.fromEntries(sites.map((s) => [s.site, round(s.bytes / frames)])),
    cpu_us_per_window: round(cpuUsPerWindow(pcmu, model, 7)),
    call: `${CALL} (assets/nemo-calls), 20-ms packets, both channels`,
    frame: '10 ms of one channel; a window is one speaker window (2 s, 1 s hop) with its dynamics',
    record: 'a 100-ms va.audio.v1 record through the dsp-worker CallStates (DSP included)',
    counting:
      'JS heap bytes (garbage included) from v8 heap statistics, after a whole call warmed the JIT; sites: sampling heap profiler (estimates, by function)',
    timing:
      'cpu_us_per_window: process CPU time of DSP + both trackers per speaker window, best of 7 (shared machine)',
    node: process.version,
  });
}

main();
