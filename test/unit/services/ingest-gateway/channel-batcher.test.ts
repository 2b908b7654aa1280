// Per-channel batching: chunk boundaries, the audio timeline from sample counts, gaps filled
// with codec silence, duplicates dropped, the final marker.
import { describe, expect, it } from 'vitest';
import {
  createChannelBatcher,
  type ChannelBatcherOptions,
} from '../../../../services/ingest-gateway/channel-batcher.ts';

const options: ChannelBatcherOptions = {
  callId: 'c1',
  tenant: 't',
  channel: 'customer',
  codec: 'pcmu',
  sampleRateHz: 8000,
  maxChunkMs: 100,
  maxGapFillMs: 1000,
};
const frame = (value: number) => new Uint8Array(160).fill(value);

describe('channel batcher', () => {
  it('cuts a chunk when the audio cap is reached and keeps the timeline', () => {
    const batcher = createChannelBatcher(options);
    const out = [];
    for (let seq = 0; seq < 12; seq += 1) {
      out.push(...batcher.add(frame(seq), seq, 1000 + seq * 20));
    }
    expect(
      out.map((c) => [c.chunkIndex, c.firstSequence, c.lastSequence, c.audioStartMs, c.audioEndMs]),
    ).toEqual([
      [0, 0, 4, 0, 100],
      [1, 5, 9, 100, 200],
    ]);
    expect([out[0].firstReceivedAtMs, out[0].receivedAtMs]).toEqual([1000, 1080]);
    expect(batcher.oldestMs()).toBe(1200);
    const rest = batcher.flush(1300, false);
    expect([rest?.audioStartMs, rest?.audioEndMs, rest?.payload.byteLength, rest?.final]).toEqual([
      200,
      240,
      320,
      false,
    ]);
    expect(batcher.flush(1300, false)).toBeNull();
  });

  it('fills a sequence gap with µ-law silence and counts it', () => {
    const batcher = createChannelBatcher({ ...options, maxChunkMs: 1000 });
    batcher.add(frame(1), 0, 0);
    batcher.add(frame(2), 3, 60);
    const chunk = batcher.flush(80, false);
    expect(batcher.stats).toMatchObject({ frames: 2, gaps: 1, framesMissing: 2 });
    expect(chunk?.payload.byteLength).toBe(4 * 160);
    expect([chunk?.payload[0], chunk?.payload[160], chunk?.payload[479], chunk?.payload[480]]).toEqual([
      1, 0xff, 0xff, 2,
    ]);
    expect(chunk?.audioEndMs).toBe(80);
  });

  it('caps the silence inserted for a long outage', () => {
    const batcher = createChannelBatcher({ ...options, maxChunkMs: 100_000, maxGapFillMs: 100 });
    batcher.add(frame(1), 0, 0);
    batcher.add(frame(2), 1000, 20);
    expect(batcher.flush(40, false)?.payload.byteLength).toBe(160 + 800 + 160);
  });

  it("fills an outage of one channel up to where the call's other channels are, past the cap", () => {
    // The agent went on for 12 s while the customer's leg was out (600 frames missing).
    let agentMs = 12_020;
    const batcher = createChannelBatcher({
      ...options,
      maxChunkMs: 100_000,
      maxGapFillMs: 5000,
      otherChannelsMs: () => agentMs,
    });
    batcher.add(frame(1), 0, 0);
    batcher.add(frame(2), 601, 12_020);
    expect(batcher.audioMs()).toBe(12_040);
    // Never more than the frames missing, and the cap still holds when the others are not ahead.
    agentMs = 0;
    batcher.add(frame(3), 2000, 40_000);
    expect(batcher.audioMs()).toBe(12_040 + 5000 + 20);
    agentMs = 100_000;
    batcher.add(frame(4), 2002, 40_060);
    expect(batcher.audioMs()).toBe(12_040 + 5000 + 20 + 20 + 20);
  });

  it('cuts a long gap fill into chunks of the cap, none larger', () => {
    // 16 kHz LINEAR16, 2 s chunks: a 40 s outage in one record was 1.28 MB, past the broker's limit.
    const batcher = createChannelBatcher({
      ...options,
      codec: 'linear16',
      sampleRateHz: 16000,
      maxChunkMs: 2000,
      maxGapFillMs: 60_000,
    });
    batcher.add(new Uint8Array(640), 0, 0);
    const chunks = batcher.add(new Uint8Array(640), 2001, 40_020);
    expect(chunks.length).toBe(20);
    expect(Math.max(...chunks.map((c) => c.payload.byteLength))).toBe(64_000);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.audioStartMs).toBe(chunks[i - 1]!.audioEndMs);
    expect(batcher.audioMs()).toBe(40_040);
    expect(batcher.add(new Uint8Array(640), 2002, 40_040)).toHaveLength(0);
  });

  it('drops duplicate and late frames', () => {
    const batcher = createChannelBatcher(options);
    batcher.add(frame(1), 5, 0);
    batcher.add(frame(9), 5, 1);
    batcher.add(frame(9), 4, 2);
    expect(batcher.stats).toMatchObject({ frames: 1, duplicates: 2, gaps: 0 });
    expect(batcher.flush(3, false)?.payload.byteLength).toBe(160);
  });

  it('follows a sequence that wraps past 4294967295 to 0 (uint32, any start), gaps and repeats included', () => {
    const batcher = createChannelBatcher({ ...options, maxChunkMs: 10_000 });
    const top = 2 ** 32 - 2;
    for (const seq of [top, top + 1, 0, 1, 1, 4294967295, 3]) batcher.add(frame(1), seq, 0);
    expect(batcher.stats).toMatchObject({ frames: 5, duplicates: 2, gaps: 1, framesMissing: 1 });
    expect(batcher.flush(1, false)?.payload.byteLength).toBe(6 * 160);
  });

  it('marks the last chunk final, even when empty', () => {
    const batcher = createChannelBatcher(options);
    batcher.add(frame(1), 0, 0);
    batcher.flush(10, false);
    const last = batcher.flush(20, true);
    expect(last).toMatchObject({
      final: true,
      chunkIndex: 1,
      audioStartMs: 20,
      audioEndMs: 20,
      firstSequence: 0,
      lastSequence: 0,
    });
    expect(last?.payload.byteLength).toBe(0);
  });

  it('uses two bytes per sample for LINEAR16 at 16 kHz', () => {
    const batcher = createChannelBatcher({ ...options, codec: 'linear16', sampleRateHz: 16000 });
    batcher.add(new Uint8Array(640), 0, 0);
    expect(batcher.audioMs()).toBe(20);
  });

  it('starts the timeline at the first frame audio time (a call resumed elsewhere)', () => {
    const batcher = createChannelBatcher(options);
    batcher.add(frame(1), 700, 0, 14_000);
    batcher.add(frame(2), 701, 20, 14_020);
    expect(batcher.flush(40, false)).toMatchObject({
      audioStartMs: 14_000,
      audioEndMs: 14_040,
      firstSequence: 700,
    });
  });
});
