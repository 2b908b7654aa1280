// Runs one decoded recording through the live pipeline stages in-process: pipelines/dsp (call or
// channel analyzer, float32 at the file's rate, resampled first only if the stage refuses the
// rate) and pipelines/emotion (one tracker per speaker). Pure, no I/O: the caller reads the file.
import { DspError, createCallAnalyzer, createChannelAnalyzer, resample } from '../../pipelines/dsp/index.ts';
import type { CallOutput } from '../../pipelines/dsp/index.ts';
import type { AudioFormat, Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import { createEmotionTracker } from '../../pipelines/emotion/index.ts';
import type { EmotionModel } from '../../pipelines/emotion/index.ts';
import type { WavAudio } from '../../pipelines/audio/wav.ts';
import { channelName, resolveChannels } from './args.ts';
import type { ChannelMap } from './args.ts';
import { summariseDynamics, summariseSpeaker } from './summary.ts';
import type { FileAnalysis, SpeakerResult, WindowRecord } from './types.ts';

/** Audio pushed per step: the stage's output does not depend on it; 1 s keeps both channels in step. */
const CHUNK_S = 1;
/** Rates the stage is guaranteed to take natively: the fallback when it refuses the file's. */
const NATIVE_RATES = [8000, 16000];

export interface AnalyzeAudioOptions {
  file: string;
  /** Event ids are `${callId}:${channel}:${windowIndex}:emotion`. */
  callId: string;
  channels: ChannelMap | undefined;
  model: EmotionModel;
}

interface SpeakerInput {
  channel: Channel;
  index: number;
  samples: Float32Array;
}

interface StageOutput {
  windows: { channel: Channel; window: SpeakerWindow }[];
  dynamics: DynamicsWindow[];
}

export function analyzeAudio(wav: WavAudio, options: AnalyzeAudioOptions): FileAnalysis {
  const picked = resolveChannels(options.channels, wav.channels.length);
  const inputs: SpeakerInput[] = picked.map((p) => ({ ...p, samples: wav.channels[p.index] }));
  const { output, rateHz } = runDsp(inputs, wav.sampleRateHz);

  const speakers: SpeakerResult[] = inputs.map(({ channel, index }) => {
    const tracker = createEmotionTracker({ model: options.model, callId: options.callId, channel });
    const windows: WindowRecord[] = output.windows
      .filter((w) => w.channel === channel)
      .map(({ window }) => toRecord(window, tracker.push(window)));
    return {
      channel,
      source: channelName(index),
      summary: summariseSpeaker(windows, options.model.labels),
      windows,
    };
  });
  const agent = speakers.find((s) => s.channel === 'agent');
  const customer = speakers.find((s) => s.channel === 'customer');
  const twoSpeakers = agent !== undefined && customer !== undefined;
  return {
    file: options.file,
    ok: true,
    sampleRateHz: wav.sampleRateHz,
    analysedRateHz: rateHz,
    encoding: wav.encoding,
    channelCount: wav.channels.length,
    durationS: (wav.channels[0]?.length ?? 0) / wav.sampleRateHz,
    speakers,
    dynamics: twoSpeakers ? output.dynamics : null,
    dynamicsSummary: twoSpeakers ? summariseDynamics(output.dynamics, agent.windows, customer.windows) : null,
  };
}

function runDsp(inputs: SpeakerInput[], fileRateHz: number): { output: StageOutput; rateHz: number } {
  try {
    return { output: runStage(inputs, { codec: 'float32', sampleRateHz: fileRateHz }), rateHz: fileRateHz };
  } catch (err) {
    if (!(err instanceof DspError) || err.code !== 'UNSUPPORTED_SAMPLE_RATE') throw err;
  }
  const rateHz = fileRateHz <= NATIVE_RATES[0] ? NATIVE_RATES[0] : NATIVE_RATES[1];
  const resampled = inputs.map((i) => ({ ...i, samples: resample(i.samples, fileRateHz, rateHz) }));
  return { output: runStage(resampled, { codec: 'float32', sampleRateHz: rateHz }), rateHz };
}

function runStage(inputs: SpeakerInput[], format: AudioFormat): StageOutput {
  const chunk = Math.max(1, Math.round(CHUNK_S * format.sampleRateHz));
  const length = inputs[0]?.samples.length ?? 0;
  const output: StageOutput = { windows: [], dynamics: [] };
  const collect = (out: CallOutput) => {
    for (const w of out.windows) output.windows.push(w);
    for (const d of out.dynamics) output.dynamics.push(d);
  };
  if (inputs.length === 2) {
    const call = createCallAnalyzer({ format });
    for (let at = 0; at < length; at += chunk) {
      for (const input of inputs) collect(call.push(input.channel, float32Bytes(input.samples, at, chunk)));
    }
    collect(call.flush());
  } else {
    for (const input of inputs) {
      const analyzer = createChannelAnalyzer({ format });
      const add = (ws: readonly SpeakerWindow[]) => {
        for (const window of ws) output.windows.push({ channel: input.channel, window });
      };
      for (let at = 0; at < length; at += chunk) add(analyzer.push(float32Bytes(input.samples, at, chunk)));
      add(analyzer.flush());
    }
  }
  return output;
}

/** Little-endian float32 bytes of samples[at, at + n) (a view: typed arrays are LE on every Node target). */
function float32Bytes(samples: Float32Array, at: number, n: number): Uint8Array {
  const end = Math.min(samples.length, at + n);
  return new Uint8Array(samples.buffer, samples.byteOffset + at * 4, (end - at) * 4);
}

function toRecord(window: SpeakerWindow, emotion: WindowRecord['emotion']): WindowRecord {
  const { functionals, windowIndex, startMs, endMs, ...rest } = window;
  return {
    windowIndex,
    startMs,
    endMs,
    features: { ...rest, functionals: Array.from(functionals, (v) => (Number.isFinite(v) ? v : null)) },
    emotion,
  };
}
