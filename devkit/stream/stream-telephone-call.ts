// Streams one telephone call to the ingest gateway over real gRPC, 20 ms frames interleaved per
// channel, paced at `speed` × real time, the way a softphone would. I/O: a gRPC stream.
import {
  createIngestClient,
  openCallStream,
  type CallResult,
} from '../../services/simulator/ingest-client.ts';
import type { TelephoneCall } from '../pipeline/harness.ts';

const FRAME_MS = 20;
const FRAME_BYTES = 160; // 20 ms of 8 kHz µ-law

export async function streamCall(
  target: string,
  token: string,
  call: TelephoneCall,
  options: {
    speed?: number;
    fromMs?: number;
    toMs?: number;
    end?: boolean;
    agentId?: string;
    /** Consent to keep the windows after the summary (default false: summary only). */
    storeFeatures?: boolean;
  } = {},
): Promise<CallResult> {
  const client = createIngestClient(target);
  try {
    const stream = openCallStream(client, token);
    await stream.write({
      start: {
        callId: call.callId,
        codec: 'CODEC_PCMU',
        sampleRateHz: 8000,
        channels: ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
        consent: { analytics: true, storeFeatures: options.storeFeatures ?? false },
        agentId: options.agentId ?? 'agent-7',
        queue: 'billing',
      },
    });
    const durationMs = Math.floor(call.agent.length / 8);
    const toMs = Math.min(options.toMs ?? durationMs, durationMs);
    const speed = options.speed ?? 1;
    const channels = [
      ['CHANNEL_AGENT', call.agent],
      ['CHANNEL_CUSTOMER', call.customer],
    ] as const;
    const started = Date.now();
    for (let t = options.fromMs ?? 0; t + FRAME_MS <= toMs; t += FRAME_MS) {
      const due = started + (t + FRAME_MS) / speed;
      if (due > Date.now() + 2) await new Promise((r) => setTimeout(r, due - Date.now()));
      const sequence = t / FRAME_MS;
      const at = t * 8;
      for (const [channel, audio] of channels) {
        await stream.write({
          frame: { channel, sequence, audioTimeMs: t, payload: audio.subarray(at, at + FRAME_BYTES) },
        });
      }
    }
    if (options.end ?? true) await stream.write({ end: { reason: 'hangup' } });
    return await stream.finish();
  } finally {
    client.close();
  }
}
