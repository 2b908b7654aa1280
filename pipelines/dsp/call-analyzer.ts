// Two-speaker call analyzer: one ChannelAnalyzer per channel (agent, customer) plus the
// DynamicsWindow of both, on the same window grid. Pure, no I/O. A dynamics window is emitted
// once both channels have passed its end (or at flush, missing audio counting as silence).
// Audio pushed on hold marks the windows it falls in (`onHold`, `holdMs`): hold is not silence.
// The customer channel is echo-gated (echo-gate.ts): frames that are the agent's line echo are
// not the customer's speech, in the dynamics nor in the customer's windows, which therefore wait
// ECHO_DECISION_LAG_FRAMES (290 ms) for each frame's decision and for the agent's audio up to it.
// The customer's line is watched for one-way audio (line-watch.ts): its windows carry
// `customerLineFaultMs` and no talk ratio (unknown, not the agent's share of a one-sided line).

import {
  createChannelAnalyzerWithHook,
  type ChannelAnalyzerInternal,
  type FrameRelease,
} from './channel-analyzer.ts';
import {
  appendVad,
  computeDynamics,
  createVadTrack,
  echoAt,
  MAX_RESPONSE_LATENCY_MS,
  levelAt,
  trimVad,
  vadAt,
  type VadTrack,
} from './dynamics.ts';
import { bytesPerSample } from './codecs.ts';
import { ECHO_DECISION_LAG_FRAMES, judgeEcho } from './echo-gate.ts';
import { createEchoPath } from './echo-path.ts';
import { DspError } from './errors.ts';
import { HoldSpans } from './hold-spans.ts';
import { createLineWatch, watchLine } from './line-watch.ts';
import { none } from './scratch.ts';
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from './types.ts';

/** Read-only: a push that completes nothing returns one shared, frozen output (mutating it throws). */
export interface CallOutput {
  readonly windows: readonly { channel: Channel; window: SpeakerWindow }[];
  readonly dynamics: readonly DynamicsWindow[];
}

export interface CallAnalyzer {
  /** `onHold`: the call was on hold for all of this chunk (va.ingest.v1.CallHold). */
  push(channel: Channel, chunk: Uint8Array, onHold?: boolean): CallOutput;
  flush(): CallOutput;
  /**
   * Audio time (ms) of the first frame of the customer's current unheard run in the line watch
   * once the agent has spoken in it (null: none such): a replay must start before it to rebuild a
   * line fault (a run without the agent's speech holds none yet).
   */
  lineQuietFromMs(): number | null;
}

export interface CallOptions {
  format: AudioFormat;
  windowMs?: number;
  windowHopMs?: number;
}

/**
 * Customer frames held for the agent's audio at most, beyond the echo decision's own lag: the
 * gateway interleaves the two channels' 20-ms packets, a record batches 100 ms of them, so 1 s
 * behind is an agent leg that stopped sending (no echo to gate then: the frames go on unjudged).
 */
const ECHO_WAIT_FRAMES = 100;

/** A push's output when it completed no window (shared; its arrays are frozen). */
const NOTHING: CallOutput = Object.freeze<CallOutput>({ windows: none(), dynamics: none() });

export function createCallAnalyzer(options: CallOptions): CallAnalyzer {
  const tracks: Record<Channel, VadTrack> = { agent: createVadTrack(), customer: createVadTrack() };
  const done: Record<Channel, number> = { agent: 0, customer: 0 };
  const mk = (ch: Channel, release?: FrameRelease): ChannelAnalyzerInternal =>
    createChannelAnalyzerWithHook(
      options,
      (frame, speech, energyDb) => {
        appendVad(tracks[ch], frame, speech, energyDb);
        done[ch] = frame + 1;
      },
      release,
    );
  // The customer's frames judged for the agent's echo so far (each once the agent's audio up to it is in).
  let judged = 0;
  // The line's echo path, learnt from the customer's frames in order (echo-gate.ts).
  const echoPath = createEchoPath();
  const customerEchoGate: FrameRelease = {
    maxHeldFrames: ECHO_DECISION_LAG_FRAMES + ECHO_WAIT_FRAMES,
    releasableUpTo(finalFrames) {
      // Frames released unjudged (the agent's audio missing) stay as they were.
      const floor = released('customer');
      judged = Math.max(judged, floor);
      const upTo = Math.min(finalFrames, done.agent);
      for (; judged < upTo; judged++) judgeEcho(tracks.customer, tracks.agent, echoPath, judged, floor);
      return judged - ECHO_DECISION_LAG_FRAMES;
    },
    silenced: (frame) => echoAt(tracks.customer, frame),
  };
  const analyzers: Record<Channel, ChannelAnalyzerInternal> = {
    agent: mk('agent'),
    customer: mk('customer', customerEchoGate),
  };
  /** Frames of a channel its windows and the dynamics may use (the customer's once echo-judged). */
  function released(ch: Channel): number {
    return analyzers[ch].framesReleased();
  }
  const hopMs = analyzers.agent.hopMs;
  const o = analyzers.agent.options;
  const wf = Math.max(1, Math.round(o.windowMs / hopMs));
  const wh = Math.max(1, Math.round(o.windowHopMs / hopMs));
  const keepBack = Math.round(MAX_RESPONSE_LATENCY_MS / hopMs) + 1;
  let nextWindow = 0;
  // Hold by audio position, not by the frame hook: frames are final a few frames after their
  // audio arrived (pitch lag), by which time the next chunk's hold state may apply.
  const holds: Record<Channel, HoldSpans> = { agent: new HoldSpans(), customer: new HoldSpans() };
  const pushedBytes: Record<Channel, number> = { agent: 0, customer: 0 };
  const bytesPerMs = (bytesPerSample(options.format.codec) * options.format.sampleRateHz) / 1000;
  const heldAt = (frame: number): boolean => holds.agent.heldAt(frame) || holds.customer.heldAt(frame);
  const windowOnHold = (channel: Channel, window: SpeakerWindow): SpeakerWindow => {
    const first = Math.round(window.startMs / hopMs);
    const held = holds[channel].framesIn(first, Math.max(first + 1, Math.round(window.endMs / hopMs)));
    return held > 0 ? { ...window, onHold: true } : window;
  };

  // One-way audio on the customer's leg: fed each frame once, in order, as the windows reach it.
  const lineWatch = createLineWatch();
  let lineFed = 0;
  // The last fault episode's frames [faultFrom, faultEnd): episodes are 20 s apart at least, so a
  // window meets one at most.
  let faultFrom = -1;
  let faultEnd = Infinity;
  function lineFaultFrames(first: number, end: number): number {
    for (; lineFed < end; lineFed++) {
      const was = lineWatch.faultFrom;
      const a = vadAt(tracks.agent, lineFed);
      const c = vadAt(tracks.customer, lineFed);
      watchLine(lineWatch, lineFed, a, c, levelAt(tracks.customer, lineFed), heldAt(lineFed));
      if (was < 0 && lineWatch.faultFrom >= 0) {
        faultFrom = lineWatch.faultFrom;
        faultEnd = Infinity;
      } else if (was >= 0 && lineWatch.faultFrom < 0) faultEnd = lineFed;
    }
    if (faultFrom < 0) return 0;
    // Hold frames are hold (holdMs), not the line's silence: the watch does not count them either.
    let n = 0;
    for (let i = Math.max(first, faultFrom), to = Math.min(end, faultEnd); i < to; i++) if (!heldAt(i)) n++;
    return n;
  }

  function dynamicsUpTo(frames: number, final: boolean): DynamicsWindow[] {
    let res: DynamicsWindow[] = none();
    for (;;) {
      const first = nextWindow * wh;
      const full = first + wf;
      if (full > frames && !(final && first < frames)) break;
      const end = Math.min(full, frames);
      const startMs = first * hopMs;
      if (res.length === 0) res = [];
      const faultFrames = lineFaultFrames(first, end);
      const window = computeDynamics(
        tracks.agent,
        tracks.customer,
        nextWindow,
        first,
        end,
        hopMs,
        startMs,
        end * hopMs,
        heldAt,
      );
      res.push(
        faultFrames > 0
          ? { ...window, talkRatioAgent: NaN, customerLineFaultMs: faultFrames * hopMs }
          : window,
      );
      nextWindow++;
      const keepFrom = nextWindow * wh - keepBack;
      trimVad(tracks.agent, keepFrom);
      trimVad(tracks.customer, keepFrom);
      // Speaker windows may lag the dynamics by a window (the other channel ahead): kept that long.
      holds.agent.trimBefore(keepFrom - wf);
      holds.customer.trimBefore(keepFrom - wf);
    }
    return res;
  }

  return {
    push(channel, chunk, onHold = false) {
      const a = analyzers[channel];
      if (!a) throw new DspError('UNKNOWN_CHANNEL', `unknown channel ${String(channel)}`);
      holds[channel].mark(Math.round(pushedBytes[channel] / bytesPerMs / hopMs), onHold);
      pushedBytes[channel] += chunk.byteLength;
      const completed = a.push(chunk);
      // The agent's audio lets the customer's held frames be judged for its echo.
      const freed = channel === 'agent' ? analyzers.customer.releaseReady() : none<SpeakerWindow>();
      const dynamics = dynamicsUpTo(Math.min(released('agent'), released('customer')), false);
      // Most 20-ms pushes complete nothing: the same empty output, no allocation.
      if (completed.length === 0 && freed.length === 0 && dynamics.length === 0) return NOTHING;
      const windows = completed.map((window) => ({ channel, window: windowOnHold(channel, window) }));
      for (const window of freed)
        windows.push({ channel: 'customer', window: windowOnHold('customer', window) });
      return { windows, dynamics };
    },
    flush() {
      const windows = [
        ...analyzers.agent
          .flush()
          .map((window) => ({ channel: 'agent' as const, window: windowOnHold('agent', window) })),
        ...analyzers.customer
          .flush()
          .map((window) => ({ channel: 'customer' as const, window: windowOnHold('customer', window) })),
      ];
      return { windows, dynamics: dynamicsUpTo(Math.max(released('agent'), released('customer')), true) };
    },
    lineQuietFromMs() {
      return lineWatch.runFrom < 0 || lineWatch.agentFrames === 0 ? null : lineWatch.runFrom * hopMs;
    },
  };
}
