// Gap sizes are chosen by the client (frame size × missing frames). The gateway
// cached one silence buffer per distinct size forever (6 000 sizes held 41 MB; a 16 kHz call can
// ask for 80 000). Now 80 000 distinct gaps leave the process's memory nearly where it was, and
// gaps are still filled with each codec's silence byte.
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import { silenceBlock, silenceBytesHeld } from '../../../../services/ingest-gateway/silence.ts';

const MB = 1024 * 1024;
/** 5 s of 16 kHz linear16 (the default MAX_GAP_FILL_MS) is 160 000 bytes: 80 000 even sizes. */
const DISTINCT_GAPS = 80_000;

describe('gateway silence for gap fills', () => {
  it('holds bounded memory after 80 000 distinct gap sizes', () => {
    const rssBefore = process.memoryUsage().rss;
    for (let i = 1; i <= DISTINCT_GAPS; i++) {
      for (const codec of ['linear16', 'pcmu', 'pcma'] as const) {
        const block = silenceBlock(codec, 2 * i);
        if (block.byteLength !== 2 * i) throw new Error('wrong size');
      }
    }
    const growthMb = (process.memoryUsage().rss - rssBefore) / MB;
    expect(growthMb).toBeLessThan(50);
    // At most one block per codec, at most twice the largest gap.
    expect(silenceBytesHeld()).toBeLessThanOrEqual(3 * 2 * 2 * DISTINCT_GAPS);
  });

  it('fills a gap in a call with its codec’s silence byte', () => {
    const batcher = createChannelBatcher({
      callId: 'c',
      tenant: 't',
      channel: 'customer',
      codec: 'pcmu',
      sampleRateHz: 8000,
      maxChunkMs: 2000,
      maxGapFillMs: 5000,
    });
    batcher.add(new Uint8Array(160).fill(0x11), 0, 0);
    batcher.add(new Uint8Array(160).fill(0x22), 3, 60); // frames 1 and 2 missing
    const chunk = batcher.flush(100, false);
    expect(chunk?.payload.byteLength).toBe(160 * 4);
    const bytes = chunk?.payload ?? new Uint8Array();
    expect(bytes.subarray(0, 160).every((b) => b === 0x11)).toBe(true);
    expect(bytes.subarray(160, 480).every((b) => b === 0xff)).toBe(true);
    expect(bytes.subarray(480).every((b) => b === 0x22)).toBe(true);
  });
});
