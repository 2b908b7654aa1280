// A leg sending no frames at all (silent-legs.ts) over real channel batchers and a fake clock at
// real time: a leg quiet off hold is filled with plain silence up to the other leg less the lag
// (in sequence slots, so its frames after an outage fill only what is still missing), a leg that
// never sent a frame starts where the stream's first frame went, and a leg that is merely late
// (jitter, a burst after a stall, a steady offset) loses no audio and gets no silence.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import type { ChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import {
  createSilentLegs,
  SILENT_LEG_INTERVAL_MS,
  SILENT_LEG_LAG_MS,
} from '../../../../services/ingest-gateway/silent-legs.ts';
import type { AudioChunk } from '../../../../services/shared/records.ts';
import { stereoBatchers } from './stereo-batchers.ts';

const FRAME = new Uint8Array(160).fill(0x7f); // 20 ms of 8 kHz µ-law, not silence

function harness(opts: { fillLimitMs?: number } = {}) {
  let clock = 1_000_000;
  let onHold = false;
  const batchers = stereoBatchers();
  const sent: AudioChunk[] = [];
  const legs = createSilentLegs({
    batchers,
    nowMs: () => clock,
    monotonicNowMs: () => clock,
    analysed: () => true,
    onHold: () => onHold,
    fillLimitMs: () => opts.fillLimitMs ?? Infinity,
    filled: (_channel, chunks) => sent.push(...chunks),
    every: () => ({ stop: () => {} }),
  });
  legs.start();
  let sinceTick = 0;
  /** `ms` of wall time passes: the timer ticks each SILENT_LEG_INTERVAL_MS. */
  const advance = (ms: number) => {
    clock += ms;
    sinceTick += ms;
    while (sinceTick >= SILENT_LEG_INTERVAL_MS) {
      sinceTick -= SILENT_LEG_INTERVAL_MS;
      legs.tick();
    }
  };
  const frame = (channel: Channel, sequence: number, audioTimeMs = sequence * 20) => {
    legs.frame(channel, audioTimeMs);
    sent.push(...(batchers.get(channel) as ChannelBatcher).add(FRAME, sequence, clock, audioTimeMs));
  };
  const flushAll = () => {
    for (const b of batchers.values()) {
      const chunk = b.flush(clock, false);
      if (chunk) sent.push(chunk);
    }
  };
  /** Audio of `channel` that went out, and how much of it is filled silence (0xFF). */
  const audio = (channel: Channel) => {
    const chunks = sent.filter((c) => c.channel === channel);
    let silentMs = 0;
    for (const c of chunks) silentMs += (c.payload.filter((b) => b === 0xff).length / 8000) * 1000;
    return { chunks, silentMs };
  };
  const stats = (channel: Channel) => (batchers.get(channel) as ChannelBatcher).stats;
  const audioMs = (channel: Channel) => (batchers.get(channel) as ChannelBatcher).audioMs();
  return {
    legs,
    advance,
    frame,
    flushAll,
    audio,
    stats,
    audioMs,
    setHold: (next: boolean) => {
      onHold = next;
    },
  };
}

describe('silent legs', () => {
  it("fills a customer leg that stops sending with plain silence, the lag behind the agent's", () => {
    const h = harness();
    for (let seq = 0; seq < 47 * 50; seq += 1) {
      h.frame('agent', seq);
      if (seq < 5 * 50) h.frame('customer', seq);
      h.advance(20);
    }
    h.flushAll();
    // The agent reached 47 s; the customer follows it live, less the lag (not stuck at 5 s).
    expect(h.audioMs('agent')).toBe(47_000);
    expect(h.audioMs('customer')).toBeGreaterThanOrEqual(47_000 - SILENT_LEG_LAG_MS - 1_000);
    expect(h.audioMs('customer')).toBeLessThanOrEqual(47_000 - SILENT_LEG_LAG_MS);
    const customer = h.audio('customer');
    expect(customer.silentMs).toBe(h.audioMs('customer') - 5_000);
    // Plain silence (not hold), in chunks that follow on without a gap or an overlap.
    expect(customer.chunks.every((c) => !c.onHold)).toBe(true);
    for (let k = 1; k < customer.chunks.length; k += 1)
      expect(customer.chunks[k].audioStartMs).toBe(customer.chunks[k - 1].audioEndMs);
    // The agent's audio is untouched.
    expect(h.audio('agent').silentMs).toBe(0);
  });

  it('after an outage the leg comes back with a sequence jump: it fills only what is missing, every frame kept', () => {
    const h = harness();
    for (let seq = 0; seq < 30 * 50; seq += 1) {
      h.frame('agent', seq);
      if (seq < 5 * 50 || seq >= 20 * 50) h.frame('customer', seq); // RTP lost 5-20 s
      h.advance(20);
    }
    h.flushAll();
    expect(h.stats('customer')).toMatchObject({ frames: 5 * 50 + 10 * 50, duplicates: 0 });
    expect(h.audioMs('customer')).toBe(30_000);
    expect(h.audio('customer').silentMs).toBe(15_000);
  });

  it('starts a leg that never sent a frame where the stream began (a resumed stream is not filled again)', () => {
    const h = harness();
    const resumedAt = 30_000; // the stream resumes the call 30 s in: the previous stream sent 0-30 s
    for (let k = 0; k < 10 * 50; k += 1) {
      h.frame('agent', 1_000 + k, resumedAt + k * 20);
      h.advance(20);
    }
    h.flushAll();
    const customer = h.audio('customer').chunks;
    expect(customer[0].audioStartMs).toBe(resumedAt);
    expect(h.audioMs('customer')).toBeGreaterThanOrEqual(resumedAt + 10_000 - SILENT_LEG_LAG_MS - 1_000);
    expect(h.audioMs('customer')).toBeLessThanOrEqual(resumedAt + 10_000 - SILENT_LEG_LAG_MS);
    // Its first frame then goes at its own audio time: the fill meets it.
    const reached = h.audioMs('customer');
    h.frame('customer', 77, resumedAt + 10_000);
    expect(h.audioMs('customer')).toBeCloseTo(resumedAt + 10_000 + 20, 6);
    expect(h.stats('customer').frames).toBe(1);
    expect(reached).toBeLessThan(resumedAt + 10_000);
  });

  it('places a first frame the fill already covers right after it (its audio kept, not dropped)', () => {
    const h = harness();
    for (let seq = 0; seq < 6 * 50; seq += 1) {
      h.frame('agent', seq);
      h.advance(20);
    }
    const filled = h.audioMs('customer');
    expect(filled).toBeGreaterThan(0);
    h.frame('customer', 9, 0); // stamped at the call's start, 6 s late
    expect(h.audioMs('customer')).toBeCloseTo(filled + 20, 6);
    expect(h.stats('customer')).toMatchObject({ frames: 1, duplicates: 0 });
  });

  it('gives a merely late leg no silence and loses none of its audio: jitter, a burst after a stall, a steady offset', () => {
    const h = harness();
    let next = 0; // the customer's next frame
    const send = (upTo: number) => {
      for (; next <= upTo; next += 1) h.frame('customer', next);
    };
    for (let seq = 0; seq < 40 * 50; seq += 1) {
      h.frame('agent', seq);
      // 0-10 s: jitter, frames in clumps of 4 (80 ms); 10-20 s: a 1.9 s stall every 4 s, then
      // its burst; 20-40 s: the customer's leg drifts behind, 4 frames a step of 5 (4 s behind at
      // the end), never silent.
      if (seq < 500) {
        if (seq % 4 === 3) send(seq);
      } else if (seq < 1_000) {
        if (seq % 200 < 104 || seq % 200 === 199) send(seq);
      } else if (seq % 5 !== 0) send(next);
      h.advance(20);
    }
    h.flushAll();
    expect(h.stats('customer').duplicates).toBe(0);
    expect(h.audio('customer').silentMs).toBe(0);
    expect(h.stats('customer').frames).toBe(h.audioMs('customer') / 20);
    // ...and it did fall more than the lag behind the agent (a lag alone would have filled it).
    expect(h.audioMs('agent') - h.audioMs('customer')).toBeGreaterThan((3 * SILENT_LEG_LAG_MS) / 2);
  });

  it('keeps the frames of a leg that comes back in slots the fill took (DTX numbered by packet, a burst after a long stall): after the fill', () => {
    const h = harness();
    for (let seq = 0; seq < 30 * 50; seq += 1) {
      h.frame('agent', seq);
      // The customer's client stops at 5 s and goes on at 15 s with the next packet's sequence (no jump).
      if (seq < 5 * 50) h.frame('customer', seq);
      else if (seq >= 15 * 50) h.frame('customer', seq - 10 * 50);
      h.advance(20);
    }
    h.flushAll();
    // Every frame kept (none dropped as a repeat of the silence), placed after the fill: the leg
    // is at most the lag and a tick behind where its frames came in real time.
    expect(h.stats('customer')).toMatchObject({ frames: 5 * 50 + 15 * 50, duplicates: 0 });
    expect(h.stats('customer').resequenced).toBe(1);
    const customer = h.audio('customer');
    expect(customer.silentMs).toBe(h.audioMs('customer') - 20_000);
    expect(customer.silentMs).toBeGreaterThanOrEqual(10_000 - SILENT_LEG_LAG_MS - 1_000);
    expect(customer.silentMs).toBeLessThanOrEqual(10_000);
    for (let k = 1; k < customer.chunks.length; k += 1)
      expect(customer.chunks[k].audioStartMs).toBe(customer.chunks[k - 1].audioEndMs);
  });

  it('fills nothing on hold (the held timeline does) or while the stream is not read, and silence counts from after', () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) {
      h.frame('agent', seq);
      h.frame('customer', seq);
      h.advance(20);
    }
    h.setHold(true);
    for (let seq = 50; seq < 10 * 50; seq += 1) {
      h.frame('agent', seq); // the agent's hold music goes on; the customer's leg sends nothing
      h.advance(20);
    }
    expect(h.audio('customer').silentMs).toBe(0);
    h.setHold(false);
    h.legs.pause(true);
    h.advance(10_000);
    expect(h.audio('customer').silentMs).toBe(0);
    h.legs.pause(false);
    h.advance(1_000); // 1 s after reading resumed: too soon for a silent leg
    expect(h.audio('customer').silentMs).toBe(0);
    h.advance(2_000);
    expect(h.audio('customer').silentMs).toBeGreaterThan(0);
  });

  it('fills no further than the fill limit (pace room, ALIGN_FILL_MAX_MS)', () => {
    const h = harness({ fillLimitMs: 3_000 });
    for (let seq = 0; seq < 20 * 50; seq += 1) {
      h.frame('agent', seq);
      h.advance(20);
    }
    expect(h.audioMs('customer')).toBe(3_000);
  });
});
