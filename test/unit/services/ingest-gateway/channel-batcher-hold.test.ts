// Hold in the channel batcher: a hold change closes the chunk (none straddles it), the chunks
// after it say on hold, a repeat of the current state changes nothing.
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';

const frame = (value: number) => new Uint8Array(160).fill(value);
const batcher = () =>
  createChannelBatcher({
    callId: 'c1',
    tenant: 't',
    channel: 'agent',
    codec: 'pcmu',
    sampleRateHz: 8000,
    maxChunkMs: 1000,
    maxGapFillMs: 1000,
  });

describe('channel batcher on hold', () => {
  it('sends the audio before a hold off hold and the audio after it on hold', () => {
    const b = batcher();
    b.add(frame(1), 0, 0);
    b.add(frame(2), 1, 20);
    const before = b.setOnHold(true, 40);
    expect([before?.audioStartMs, before?.audioEndMs, before?.onHold]).toEqual([0, 40, false]);
    b.add(frame(3), 2, 40);
    const held = b.setOnHold(false, 60);
    expect([held?.audioStartMs, held?.audioEndMs, held?.onHold, held?.firstSequence]).toEqual([
      40,
      60,
      true,
      2,
    ]);
    b.add(frame(4), 3, 60);
    expect(b.flush(80, true)?.onHold).toBe(false);
  });

  it('changes nothing on a repeat of the current state', () => {
    const b = batcher();
    b.add(frame(1), 0, 0);
    expect(b.setOnHold(false, 20)).toBeNull();
    expect(b.setOnHold(true, 20)).not.toBeNull();
    b.add(frame(2), 1, 20);
    expect(b.setOnHold(true, 40)).toBeNull();
    expect(b.onHold()).toBe(true);
    expect(b.flush(40, false)?.payload.byteLength).toBe(160);
  });

  it('marks a hold with nothing buffered on the next chunk only', () => {
    const b = batcher();
    expect(b.setOnHold(true, 0)).toBeNull();
    b.add(frame(1), 0, 0);
    expect(b.flush(20, false)?.onHold).toBe(true);
  });
});
