// Two-speaker call analyzer: one ChannelAnalyzer per channel (agent, customer) plus the
// DynamicsWindow of both, on the same window grid. Pure, no I/O. A dynamics window is emitted
// once both channels have passed its end (or at flush, missing audio counting as silence).

import { createChannelAnalyzerWithHook, type ChannelAnalyzerInternal } from './channel-analyzer.ts';
import {
  appendVad,
  computeDynamics,
  createVadTrack,
  MAX_RESPONSE_LATENCY_MS,
  trimVad,
  type VadTrack,
} from './dynamics.ts';
import { DspError } from './errors.ts';
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from './types.ts';

export interface CallOutput {
  windows: { channel: Channel; window: SpeakerWindow }[];
  dynamics: DynamicsWindow[];
}

export interface CallAnalyzer {
  push(channel: Channel, chunk: Uint8Array): CallOutput;
  flush(): CallOutput;
}

export interface CallOptions {
  format: AudioFormat;
  windowMs?: number;
  windowHopMs?: number;
}

export function createCallAnalyzer(options: CallOptions): CallAnalyzer {
  const tracks: Record<Channel, VadTrack> = { agent: createVadTrack(), customer: createVadTrack() };
  const done: Record<Channel, number> = { agent: 0, customer: 0 };
  const mk = (ch: Channel): ChannelAnalyzerInternal =>
    createChannelAnalyzerWithHook(options, (frame, speech, energyDb) => {
      appendVad(tracks[ch], frame, speech, energyDb);
      done[ch] = frame + 1;
    });
  const analyzers: Record<Channel, ChannelAnalyzerInternal> = {
    agent: mk('agent'),
    customer: mk('customer'),
  };
  const hopMs = analyzers.agent.hopMs;
  const o = analyzers.agent.options;
  const wf = Math.max(1, Math.round(o.windowMs / hopMs));
  const wh = Math.max(1, Math.round(o.windowHopMs / hopMs));
  const keepBack = Math.round(MAX_RESPONSE_LATENCY_MS / hopMs) + 1;
  let nextWindow = 0;

  function dynamicsUpTo(frames: number, final: boolean): DynamicsWindow[] {
    const res: DynamicsWindow[] = [];
    for (;;) {
      const first = nextWindow * wh;
      const full = first + wf;
      if (full > frames && !(final && first < frames)) break;
      const end = Math.min(full, frames);
      const startMs = first * hopMs;
      res.push(
        computeDynamics(tracks.agent, tracks.customer, nextWindow, first, end, hopMs, startMs, end * hopMs),
      );
      nextWindow++;
      const keepFrom = nextWindow * wh - keepBack;
      trimVad(tracks.agent, keepFrom);
      trimVad(tracks.customer, keepFrom);
    }
    return res;
  }

  return {
    push(channel, chunk) {
      const a = analyzers[channel];
      if (!a) throw new DspError('UNKNOWN_CHANNEL', `unknown channel ${String(channel)}`);
      const windows = a.push(chunk).map((window) => ({ channel, window }));
      return { windows, dynamics: dynamicsUpTo(Math.min(done.agent, done.customer), false) };
    },
    flush() {
      const windows = [
        ...analyzers.agent.flush().map((window) => ({ channel: 'agent' as const, window })),
        ...analyzers.customer.flush().map((window) => ({ channel: 'customer' as const, window })),
      ];
      return { windows, dynamics: dynamicsUpTo(Math.max(done.agent, done.customer), true) };
    },
  };
}
