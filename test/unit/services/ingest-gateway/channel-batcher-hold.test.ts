// Hold in the channel batcher: a hold change closes the chunk (none straddles it), the chunks
// after it say on hold, a repeat of the current state changes nothing; a gap the call was on hold
// through (DTX while on hold) is filled as hold (review).
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import type { AudioChunk } from '../../../../services/shared/records.ts';

const frame = (value = 0x7f) => new Uint8Array(160).fill(value);
const batcher = (maxGapFillMs = 1000) =>
  createChannelBatcher({
    callId: 'c1',
    tenant: 't',
    channel: 'agent',
    codec: 'pcmu',
    sampleRateHz: 8000,
    maxChunkMs: 1000,
    maxGapFillMs,
  });
const heldMs = (chunks: (AudioChunk | null)[]) =>
  chunks.reduce((ms, c) => ms + (c?.onHold ? c.audioEndMs - c.audioStartMs : 0), 0);

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

describe('channel batcher: a hold over a DTX gap', () => {
  it('fills a gap the call was on hold through as hold (on hold, no frames, off hold, next frame)', () => {
    const b = batcher(5000);
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
    const b = batcher(5000);
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
