// One 20 ms frame slot of a stereo 8 kHz µ-law call sent on both channels, cut from whole-call
// audio at `at` bytes: how the pipeline tests stream a shipped call by hand.
import type { CallStream } from '../../../services/simulator/ingest-client.ts';

export const FRAME_BYTES = 160; // 20 ms of 8 kHz µ-law

export async function writeStereoFrame(
  stream: CallStream,
  seq: number,
  at: number,
  call: { agent: Uint8Array; customer: Uint8Array },
): Promise<void> {
  for (const [channel, audio] of [
    ['CHANNEL_AGENT', call.agent],
    ['CHANNEL_CUSTOMER', call.customer],
  ] as const)
    await stream.write({
      frame: { channel, sequence: seq, audioTimeMs: seq * 20, payload: audio.subarray(at, at + FRAME_BYTES) },
    });
}
