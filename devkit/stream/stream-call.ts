// Streams one encoded stereo call over gRPC as a softphone would: CallStart, then 20 ms frames
// of both channels (one interleaved stereo frame, or one frame per channel) paced in real time
// (or `speed` times faster; 0 = as fast as flow control allows), then CallEnd. I/O: the given
// gRPC client, timers.
import type { EncodedCallAudio } from '../audio/call-audio.ts';
import {
  openCallStream,
  type CallResult,
  type CallStartMessage,
  type createIngestClient,
} from '../../services/simulator/ingest-client.ts';

export interface StreamCallOptions {
  client: ReturnType<typeof createIngestClient>;
  token: string;
  callId: string;
  audio: EncodedCallAudio;
  /** 1 = real time; 0 = no pacing. */
  speed: number;
  frameMs?: number;
  /** One stereo frame (channels interleaved) per tick instead of one frame per channel. */
  interleaved?: boolean;
  metadata?: Partial<CallStartMessage>;
  signal?: AbortSignal;
  /**
   * Spans of audio time (ms, on the frame grid) the call is on hold: CallHold { on_hold: true }
   * before the frame at `fromMs`, { on_hold: false } before the frame at `toMs`.
   */
  holds?: readonly { fromMs: number; toMs: number }[];
  /** Called after each tick with the wall clock and audio time sent (benchmarks). */
  onFramesSent?: (audioMs: number, wallMs: number) => void;
}

export interface StreamCallResult extends CallResult {
  callId: string;
  framesSent: number;
  startedAtMs: number;
  endedAtMs: number;
  /** Worst lateness of a frame against its real-time schedule (pacing quality). */
  maxLateMs: number;
}

const CODEC_NAMES = { linear16: 'CODEC_LINEAR16', pcmu: 'CODEC_PCMU', pcma: 'CODEC_PCMA' } as const;
const interleavedCache = new WeakMap<EncodedCallAudio, Uint8Array>();

/** Agent and customer interleaved sample by sample (built once per audio, shared by its calls). */
function interleavedOf(audio: EncodedCallAudio): Uint8Array {
  let both = interleavedCache.get(audio);
  if (both) return both;
  const sampleBytes = audio.codec === 'linear16' ? 2 : 1;
  const samples = Math.max(audio.agent.length, audio.customer.length) / sampleBytes;
  const silence = audio.codec === 'pcmu' ? 0xff : audio.codec === 'pcma' ? 0xd5 : 0;
  both = new Uint8Array(samples * 2 * sampleBytes).fill(silence);
  for (let i = 0; i < samples; i += 1) {
    for (let b = 0; b < sampleBytes; b += 1) {
      const from = i * sampleBytes + b;
      if (from < audio.agent.length) both[2 * i * sampleBytes + b] = audio.agent[from];
      if (from < audio.customer.length) both[(2 * i + 1) * sampleBytes + b] = audio.customer[from];
    }
  }
  interleavedCache.set(audio, both);
  return both;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function streamCall(options: StreamCallOptions): Promise<StreamCallResult> {
  const { audio, speed } = options;
  const frameMs = options.frameMs ?? 20;
  const frameBytes = ((audio.sampleRateHz * frameMs) / 1000) * (audio.codec === 'linear16' ? 2 : 1);
  const frames = Math.ceil(Math.max(audio.agent.length, audio.customer.length) / frameBytes);
  const stream = openCallStream(options.client, options.token);
  const startedAtMs = Date.now();
  let framesSent = 0;
  let maxLateMs = 0;
  await stream.write({
    start: {
      callId: options.callId,
      agentId: 'agent-1',
      queue: 'support',
      team: 'team-a',
      customerRef: '',
      startTimeMs: startedAtMs,
      codec: CODEC_NAMES[audio.codec],
      sampleRateHz: audio.sampleRateHz,
      channels: ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
      consent: { analytics: true, storeFeatures: true },
      interleaved: options.interleaved === true,
      ...options.metadata,
    },
  });
  const t0 = performance.now();
  let ended = false;
  void stream.result.then(() => {
    ended = true;
  });
  for (let k = 0; k < frames && !ended && !options.signal?.aborted; k += 1) {
    if (speed > 0) {
      const due = t0 + (k * frameMs) / speed;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      else maxLateMs = Math.max(maxLateMs, -wait);
    }
    for (const hold of options.holds ?? []) {
      if (hold.fromMs === k * frameMs) await stream.write({ hold: { onHold: true } });
      if (hold.toMs === k * frameMs) await stream.write({ hold: { onHold: false } });
    }
    if (options.interleaved) {
      const both = interleavedOf(audio);
      // subarray: a view, no copy; the gRPC serializer copies it into the message.
      await stream.write({
        frame: {
          channel: 'CHANNEL_UNSPECIFIED',
          sequence: k,
          audioTimeMs: k * frameMs,
          payload: both.subarray(2 * k * frameBytes, 2 * (k + 1) * frameBytes),
        },
      });
      framesSent += 2;
    } else {
      for (const [channel, bytes] of [
        ['CHANNEL_AGENT', audio.agent],
        ['CHANNEL_CUSTOMER', audio.customer],
      ] as const) {
        const from = k * frameBytes;
        if (from >= bytes.length) continue;
        await stream.write({
          frame: {
            channel,
            sequence: k,
            audioTimeMs: k * frameMs,
            payload: bytes.subarray(from, from + frameBytes),
          },
        });
        framesSent += 1;
      }
    }
    options.onFramesSent?.((k + 1) * frameMs, Date.now());
  }
  if (options.signal?.aborted) stream.cancel();
  else if (!ended) await stream.write({ end: { reason: 'hangup' } });
  const result = await stream.finish();
  return { ...result, callId: options.callId, framesSent, startedAtMs, endedAtMs: Date.now(), maxLateMs };
}
