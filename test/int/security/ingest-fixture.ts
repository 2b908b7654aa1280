// What the ingest security tests send: a CallStart of a fresh call id (8 kHz µ-law, analysed)
// and 20 ms µ-law frames. Pure.
import type { CallAudioMessage } from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';

export const FRAME_MS = 20;

export function callStart(prefix: string): CallAudioMessage {
  return {
    start: {
      callId: uniqueName(prefix).replace('.', '-'),
      agentId: 'agent-1',
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      consent: { analytics: true, storeFeatures: false },
    },
  };
}

/** Frame `sequence` of the agent channel: 20 ms of 8 kHz µ-law. */
export function agentFrame(sequence: number): CallAudioMessage {
  return {
    frame: {
      channel: 'CHANNEL_AGENT',
      sequence,
      audioTimeMs: sequence * FRAME_MS,
      payload: new Uint8Array(8 * FRAME_MS).fill(0xff),
    },
  };
}
