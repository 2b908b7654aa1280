// The hot path of a live call, for measuring it: both channels of a recorded call pushed in 20-ms
// packets through one call analyzer (pipelines/dsp) with every speaker window judged by that
// speaker's emotion tracker (pipelines/emotion), as the dsp-worker and the classifier run them.
// The packets are cut before the run, so stepping allocates only what the pipeline does.
// I/O: reads the call's WAV file and the model file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCallAnalyzer, type CallAnalyzer, type CallOutput } from '../../pipelines/dsp/index.ts';
import type { Channel } from '../../pipelines/dsp/types.ts';
import {
  createEmotionTracker,
  parseDspEmotionModel,
  type EmotionModel,
  type EmotionTracker,
} from '../../pipelines/emotion/index.ts';
import { encodeCallAudio, readCallWav, type EncodedCallAudio } from '../audio/call-audio.ts';

const REPO = join(import.meta.dirname, '../..');

/** 20 ms, the packet size of every ingest protocol. */
export const PACKET_MS = 20;

/** A shipped demo call (assets/nemo-calls), 8 kHz µ-law as recorded, or re-encoded. */
export function demoCallAudio(
  id = 'call-2-angry-recovers',
  codec: 'pcmu' | 'linear16' = 'pcmu',
  sampleRateHz: 8000 | 16000 = 8000,
): EncodedCallAudio {
  return encodeCallAudio(readCallWav(join(REPO, 'assets/nemo-calls', `${id}.wav`)), codec, sampleRateHz);
}

export function shippedEmotionModel(): EmotionModel {
  return parseDspEmotionModel(JSON.parse(readFileSync(join(REPO, 'models/emotion-v2.json'), 'utf8')));
}

export interface HotPathCall {
  /** Packets per channel. */
  readonly packets: number;
  /** Pushes packet `k` of the agent, then of the customer, and judges the windows they complete. */
  step(k: number): void;
  /** Speaker windows (and, with a model, emotion events) so far. */
  windows(): number;
  /** Frames analysed per packet per channel. */
  readonly framesPerPacket: number;
}

function packetsOf(bytes: Uint8Array, packetBytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += packetBytes) out.push(bytes.subarray(at, at + packetBytes));
  return out;
}

/** The call through the analyzer and, when `model` is given, two emotion trackers. */
export function hotPathCall(audio: EncodedCallAudio, model: EmotionModel | null): HotPathCall {
  const bytesPerSample = audio.codec === 'linear16' ? 2 : 1;
  const packetBytes = ((audio.sampleRateHz * PACKET_MS) / 1000) * bytesPerSample;
  const agent = packetsOf(audio.agent, packetBytes);
  const customer = packetsOf(audio.customer, packetBytes);
  const call: CallAnalyzer = createCallAnalyzer({
    format: { codec: audio.codec, sampleRateHz: audio.sampleRateHz },
  });
  const tracker = (channel: Channel): EmotionTracker | null =>
    model && createEmotionTracker({ model, callId: 'alloc', channel });
  const trackers: Record<Channel, EmotionTracker | null> = {
    agent: tracker('agent'),
    customer: tracker('customer'),
  };
  let windows = 0;
  const judge = (out: CallOutput): void => {
    for (let i = 0; i < out.windows.length; i++) {
      const { channel, window } = out.windows[i];
      trackers[channel]?.push(window);
      windows++;
    }
  };
  return {
    packets: Math.min(agent.length, customer.length),
    framesPerPacket: PACKET_MS / 10,
    step(k) {
      judge(call.push('agent', agent[k]));
      judge(call.push('customer', customer[k]));
    },
    windows: () => windows,
  };
}
