// Steady-state allocation of the live hot path (hot-path-call.ts): after a whole call has warmed
// the JIT, a fresh call is run past its start and then counted packet by packet, so the bytes of
// the 10-ms frames and those of the once-a-second windows come apart: the packets that complete no
// window give the per-frame figure, the rest what each window costs on top. The least of a few
// rounds is kept: until the optimising compiler (a background thread, late on a busy machine) has
// replaced a function's first compiled code, that code boxes more numbers. I/O: see hot-path-call.ts.
import type { EmotionModel } from '../../pipelines/emotion/index.ts';
import type { EncodedCallAudio } from '../audio/call-audio.ts';
import { allocatedBytes } from './allocated-bytes.ts';
import { hotPathCall } from './hot-path-call.ts';

export interface SteadyAllocation {
  /** Frames counted (both channels). */
  frames: number;
  /** Speaker windows completed while counting (both channels; each judged when a model is given). */
  windows: number;
  /** Every byte allocated while counting, per frame. */
  bytesPerFrame: number;
  /** Per frame, over the packets that completed no window: the frame path alone. */
  bytesPerFrameBetweenWindows: number;
  /** What a speaker window (its DSP, its output records and, with a model, its emotion event) adds. */
  bytesPerWindow: number;
}

export interface SteadyOptions {
  /** Packets (20 ms) skipped before counting: the call's start (baselines, first windows). */
  skipPackets?: number;
  /** Packets counted per round. */
  countPackets?: number;
  /** Rounds, each on a fresh call; each figure is the least over them. */
  rounds?: number;
}

export function steadyAllocation(
  audio: EncodedCallAudio,
  model: EmotionModel | null,
  options: SteadyOptions = {},
): SteadyAllocation {
  const skip = options.skipPackets ?? 1000;
  const count = options.countPackets ?? 600;
  const warm = hotPathCall(audio, model);
  for (let k = 0; k < warm.packets; k++) warm.step(k);
  let least: SteadyAllocation | null = null;
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    const r = countRound(audio, model, skip, count);
    least =
      least === null
        ? r
        : {
            frames: r.frames,
            windows: r.windows,
            bytesPerFrame: Math.min(least.bytesPerFrame, r.bytesPerFrame),
            bytesPerFrameBetweenWindows: Math.min(
              least.bytesPerFrameBetweenWindows,
              r.bytesPerFrameBetweenWindows,
            ),
            bytesPerWindow: Math.min(least.bytesPerWindow, r.bytesPerWindow),
          };
  }
  if (least === null) throw new Error('rounds must be at least 1');
  return least;
}

function countRound(
  audio: EncodedCallAudio,
  model: EmotionModel | null,
  skip: number,
  count: number,
): SteadyAllocation {
  const call = hotPathCall(audio, model);
  if (skip + count > call.packets)
    throw new Error(`the call has ${call.packets} packets, not ${skip + count}`);
  for (let k = 0; k < skip; k++) call.step(k);
  let quietBytes = 0;
  let quietPackets = 0;
  let windowBytes = 0;
  let windowPackets = 0;
  let windows = 0;
  for (let k = skip; k < skip + count; k++) {
    const before = call.windows();
    const bytes = allocatedBytes(() => call.step(k));
    const completed = call.windows() - before;
    if (completed === 0) {
      quietBytes += bytes;
      quietPackets++;
    } else {
      windowBytes += bytes;
      windowPackets++;
      windows += completed;
    }
  }
  const framesPerPacket = 2 * call.framesPerPacket;
  const perQuietPacket = quietPackets > 0 ? quietBytes / quietPackets : 0;
  return {
    frames: count * framesPerPacket,
    windows,
    bytesPerFrame: (quietBytes + windowBytes) / (count * framesPerPacket),
    bytesPerFrameBetweenWindows: perQuietPacket / framesPerPacket,
    bytesPerWindow: windows > 0 ? (windowBytes - windowPackets * perQuietPacket) / windows : 0,
  };
}
