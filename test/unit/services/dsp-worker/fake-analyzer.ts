// A stand-in for pipelines/dsp's CallAnalyzer in unit tests of the workers' state: 8 kHz µ-law,
// 2 s windows with a 1 s hop per channel, dynamics once both channels completed a window. Each
// window's speechFraction is the mean byte value it covered / 255 (a fraction, as the record
// bounds ask), so its content is checkable.
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import type { CallAnalyzerLike } from '../../../../services/dsp-worker/call-states.ts';

export const FORMAT: AudioFormat = { codec: 'pcmu', sampleRateHz: 8000 };
const WINDOW = 16_000;
const HOP = 8_000;

function speakerWindow(index: number, mean: number): SpeakerWindow {
  return {
    windowIndex: index,
    startMs: index * 1000,
    endMs: index * 1000 + 2000,
    speechFraction: mean / 255,
    voicedFraction: 0,
    pace: { syllableRate: 0, articulationRate: 0, pauseRatio: 0, meanPauseMs: 0 },
    pitch: { medianHz: 0, medianSt: 0, meanSt: 0, stdSt: 0, rangeSt: 0, slopeStPerS: 0 },
    loudness: { meanDbfs: 0, stdDb: 0, peakDbfs: 0 },
    voiceQuality: {
      jitterPct: 0,
      shimmerPct: 0,
      shimmerDb: 0,
      hnrDb: 0,
      alphaRatioDb: 0,
      hammarbergDb: 0,
      spectralSlope: 0,
    },
    tensionIndex: 0,
    functionals: new Float64Array(0),
  };
}

function dynamicsWindow(index: number): DynamicsWindow {
  return {
    windowIndex: index,
    startMs: index * 1000,
    endMs: index * 1000 + 2000,
    overtalkCount: 0,
    overtalkMs: 0,
    mutualSilenceMs: 0,
    longestMutualSilenceMs: 0,
    talkRatioAgent: 0.5,
    agentResponseLatencyMs: [],
    customerResponseLatencyMs: [],
  };
}

/** A fresh, mutable output per call (the real analyzer's is read-only). */
interface Output {
  windows: { channel: Channel; window: SpeakerWindow }[];
  dynamics: DynamicsWindow[];
}

export function createFakeAnalyzer(): CallAnalyzerLike {
  const samples: Record<Channel, number[]> = { agent: [], customer: [] };
  const emitted: Record<Channel, number> = { agent: 0, customer: 0 };
  let dynamicsEmitted = 0;
  const drain = (out: Output): Output => {
    const both = Math.min(emitted.agent, emitted.customer);
    while (dynamicsEmitted < both) out.dynamics.push(dynamicsWindow(dynamicsEmitted++));
    return out;
  };
  return {
    push(channel: Channel, chunk: Uint8Array): Output {
      const out: Output = { windows: [], dynamics: [] };
      const buffer = samples[channel];
      for (const byte of chunk) buffer.push(byte);
      while (buffer.length >= emitted[channel] * HOP + WINDOW) {
        const start = emitted[channel] * HOP;
        let sum = 0;
        for (let i = start; i < start + WINDOW; i++) sum += buffer[i];
        out.windows.push({ channel, window: speakerWindow(emitted[channel], sum / WINDOW) });
        emitted[channel] += 1;
      }
      return drain(out);
    },
    flush(): Output {
      const out: Output = { windows: [], dynamics: [] };
      for (const channel of ['agent', 'customer'] as const) {
        if (samples[channel].length > emitted[channel] * HOP) {
          out.windows.push({ channel, window: speakerWindow(emitted[channel], 0) });
          emitted[channel] += 1;
        }
      }
      return drain(out);
    },
  };
}
