// A telephone call (8 kHz µ-law per channel, as the live-pipeline tests and benches build them)
// streamed to the ingest gateway at `target` over its own gRPC client: stream-call.ts with this
// softphone's metadata (agent-7 on the billing queue, no start time, consent to keep the windows
// only when asked). Whole 20 ms frames only. I/O: a gRPC connection.
import { createIngestClient, type CallResult } from '../../services/simulator/ingest-client.ts';
import type { TelephoneCall } from '../pipeline/harness.ts';
import { streamCall } from './stream-call.ts';

const FRAME_BYTES = 160; // 20 ms of 8 kHz µ-law

export async function streamTelephoneCall(
  target: string,
  token: string,
  call: TelephoneCall,
  options: {
    /** × real time (default 1). */
    speed?: number;
    agentId?: string;
    /** Consent to keep the windows after the summary (default false: summary only). */
    storeFeatures?: boolean;
    /** Spans of audio time on hold (CallHold), on the 20 ms frame grid. */
    holds?: readonly { fromMs: number; toMs: number }[];
  } = {},
): Promise<CallResult> {
  const wholeFrames = Math.floor(Math.min(call.agent.length, call.customer.length) / FRAME_BYTES);
  const bytes = wholeFrames * FRAME_BYTES;
  const client = createIngestClient(target);
  try {
    return await streamCall({
      client,
      token,
      callId: call.callId,
      audio: {
        name: call.callId,
        codec: 'pcmu',
        sampleRateHz: 8000,
        agent: call.agent.subarray(0, bytes),
        customer: call.customer.subarray(0, bytes),
        durationMs: wholeFrames * 20,
      },
      speed: options.speed ?? 1,
      ...(options.holds ? { holds: options.holds } : {}),
      metadata: {
        agentId: options.agentId ?? 'agent-7',
        queue: 'billing',
        team: '',
        startTimeMs: 0,
        consent: { analytics: true, storeFeatures: options.storeFeatures ?? false },
      },
    });
  } finally {
    client.close();
  }
}
