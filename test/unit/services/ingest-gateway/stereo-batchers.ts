// The two channel batchers of a stereo 8 kHz µ-law call (1 s chunks, 5 s gap fill): what the
// hold tests drive.
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import {
  createChannelBatcher,
  type ChannelBatcher,
} from '../../../../services/ingest-gateway/channel-batcher.ts';

export function stereoBatchers(): Map<Channel, ChannelBatcher> {
  const batchers = new Map<Channel, ChannelBatcher>();
  for (const channel of ['agent', 'customer'] as const)
    batchers.set(
      channel,
      createChannelBatcher({
        callId: 'c',
        tenant: 't',
        channel,
        codec: 'pcmu',
        sampleRateHz: 8000,
        maxChunkMs: 1_000,
        maxGapFillMs: 5_000,
      }),
    );
  return batchers;
}
