// What the ingest security tests send: a CallStart of a fresh call id (8 kHz µ-law, analysed)
// and 20 ms µ-law frames (also what other tests stream when only the call matters). Pure.
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

/** Frame `sequence` of a channel: 20 ms of 8 kHz µ-law, every byte `fill` (0xff and 0x7f are µ-law zeros). */
export function muLawFrame(
  channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER',
  sequence: number,
  fill = 0xff,
): CallAudioMessage {
  return {
    frame: {
      channel,
      sequence,
      audioTimeMs: sequence * FRAME_MS,
      payload: new Uint8Array(8 * FRAME_MS).fill(fill),
    },
  };
}

/** Frame `sequence` of the agent channel. */
export const agentFrame = (sequence: number): CallAudioMessage => muLawFrame('CHANNEL_AGENT', sequence);
