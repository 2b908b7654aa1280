// Review: a hold sent with DTX (no frames while on hold): the gap the hold spans must be hold.
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import type { AudioChunk } from '../../../../services/shared/records.ts';

const frame = () => new Uint8Array(160).fill(0x7f);
const batcher = () =>
  createChannelBatcher({
    callId: 'c1',
    tenant: 't',
    channel: 'agent',
    codec: 'pcmu',
    sampleRateHz: 8000,
    maxChunkMs: 1000,
    maxGapFillMs: 5000,
  });
const heldMs = (chunks: (AudioChunk | null)[]) =>
  chunks.reduce((ms, c) => ms + (c?.onHold ? c.audioEndMs - c.audioStartMs : 0), 0);

describe('channel batcher: a hold over a DTX gap', () => {
  it('fills a gap the call was on hold through as hold (on hold, no frames, off hold, next frame)', () => {
    const b = batcher();
    const out: (AudioChunk | null)[] = [];
    for (let s = 0; s < 50; s++) out.push(...b.add(frame(), s, s * 20));
    out.push(b.setOnHold(true, 1000));
    // DTX: nothing sent for 3 s on hold; the platform takes the call off hold, audio resumes.
    out.push(b.setOnHold(false, 4000));
    for (let s = 200; s < 250; s++) out.push(...b.add(frame(), s, s * 20));
    out.push(b.flush(5000, true));
    expect(b.audioMs()).toBeCloseTo(5000, 6);
    expect(heldMs(out)).toBeCloseTo(3000, 6);
  });

  it('leaves a gap after the hold (a frame off hold came first) as silence', () => {
    const b = batcher();
    const out: (AudioChunk | null)[] = [];
    out.push(...b.add(frame(), 0, 0));
    out.push(b.setOnHold(true, 20));
    out.push(...b.add(frame(), 1, 20));
    out.push(b.setOnHold(false, 40));
    out.push(...b.add(frame(), 2, 40));
    out.push(...b.add(frame(), 100, 2000));
    out.push(b.flush(2020, true));
    expect(heldMs(out)).toBeCloseTo(20, 6);
    // No chunk straddles a hold edge, and the audio positions are contiguous.
    const sent = out.filter((c): c is AudioChunk => c !== null);
    for (let k = 1; k < sent.length; k++) expect(sent[k].audioStartMs).toBeCloseTo(sent[k - 1].audioEndMs, 6);
  });
});
