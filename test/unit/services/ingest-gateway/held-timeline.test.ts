// A frameless hold's timeline (held-timeline.ts) over real channel batchers and a fake clock: each
// tick fills the lagging channels with on-hold silence to the hold's wall-clock length (or the
// furthest channel) less the lag, frames after the hold fill only what is still missing, and the
// hold limit and a clock running back are typed errors.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import type { ChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import type { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import {
  createHeldTimeline,
  HOLD_FILL_LAG_MS,
  type HeldTimeline,
} from '../../../../services/ingest-gateway/held-timeline.ts';
import type { AudioChunk } from '../../../../services/shared/records.ts';
import { stereoBatchers } from './stereo-batchers.ts';

const FRAME = new Uint8Array(160).fill(0x7f); // 20 ms of 8 kHz µ-law

function harness(maxHoldMs = 600_000) {
  let clock = 1_000_000;
  const batchers = stereoBatchers();
  const sent: AudioChunk[] = [];
  const errors: IngestError[] = [];
  const timeline: HeldTimeline = createHeldTimeline({
    maxHoldMs,
    batchers,
    nowMs: () => clock,
    analysed: () => true,
    filled: (_channel, chunks) => sent.push(...chunks),
    tooLong: (error) => errors.push(error),
    every: () => ({ stop: () => {} }),
  });
  const hold = (onHold: boolean) => {
    for (const b of batchers.values()) {
      const before = b.setOnHold(onHold, clock);
      if (before) sent.push(before);
    }
    if (onHold) timeline.start(Math.max(...[...batchers.values()].map((b) => b.audioMs())));
    else timeline.stop();
  };
  const pair = (sequence: number) => {
    frame('agent', sequence);
    frame('customer', sequence);
  };
  const frame = (channel: Channel, sequence: number) => {
    sent.push(...(batchers.get(channel) as ChannelBatcher).add(FRAME, sequence, clock, sequence * 20));
  };
  const advance = (ms: number) => {
    clock += ms;
    timeline.tick();
  };
  const flushAll = () => {
    for (const b of batchers.values()) {
      const chunk = b.flush(clock, false);
      if (chunk) sent.push(chunk);
    }
  };
  const heldMs = (channel: Channel) =>
    sent
      .filter((c) => c.channel === channel && c.onHold)
      .reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);
  return { batchers, timeline, sent, errors, hold, frame, pair, advance, flushAll, heldMs };
}

describe('held timeline', () => {
  it('moves both silent channels on with the hold, as on-hold audio, the lag behind its clock', () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq); // 0-1 s
    h.hold(true);
    for (let s = 0; s < 150; s += 1) h.advance(1_000); // 150 s of silence, no frame
    h.flushAll();
    for (const channel of ['agent', 'customer'] as const) {
      expect(h.batchers.get(channel)?.audioMs()).toBe(1_000 + 150_000 - HOLD_FILL_LAG_MS);
      expect(h.heldMs(channel)).toBe(150_000 - HOLD_FILL_LAG_MS);
      // the fill took the frames' sequence slots: the next slot is where the hold reached
      expect(h.batchers.get(channel)?.nextSequence()).toBe((1_000 + 150_000 - HOLD_FILL_LAG_MS) / 20);
    }
    // Each chunk is at most the cap (records a broker takes), on hold, and they follow on.
    const agent = h.sent.filter((c) => c.channel === 'agent');
    for (let k = 1; k < agent.length; k += 1) expect(agent[k].audioStartMs).toBe(agent[k - 1].audioEndMs);
    expect(Math.max(...agent.map((c) => c.audioEndMs - c.audioStartMs))).toBeLessThanOrEqual(1_000);
  });

  it('after the hold, frames fill only what is still missing: no audio twice, the windows line up', () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq);
    h.hold(true);
    for (let s = 0; s < 30; s += 1) h.advance(1_000);
    h.hold(false);
    // The client comes back at its own clock: 1 s + 30 s = sequence 1550.
    for (let seq = 1550; seq < 1600; seq += 1) h.pair(seq);
    h.flushAll();
    for (const channel of ['agent', 'customer'] as const) {
      expect(h.batchers.get(channel)?.audioMs()).toBe(32_000);
      expect(h.heldMs(channel)).toBe(30_000);
    }
  });

  it('moves a channel silent through the hold (DTX) with the other one that still sends', () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq);
    h.hold(true);
    // The agent's leg sends hold music at 4x real time, the customer's nothing.
    let seq = 50;
    for (let s = 0; s < 10; s += 1) {
      for (const end = seq + 200; seq < end; seq += 1) h.frame('agent', seq);
      h.advance(1_000);
    }
    expect(h.batchers.get('agent')?.audioMs()).toBe(41_000);
    expect(h.batchers.get('customer')?.audioMs()).toBe(41_000 - HOLD_FILL_LAG_MS);
  });

  it('ends a hold longer than the limit HOLD_TOO_LONG, once', () => {
    const h = harness(5_000);
    h.frame('agent', 0);
    h.hold(true);
    for (let s = 0; s < 8; s += 1) h.advance(1_000);
    expect(h.errors.map((e) => [e.code, e.status])).toEqual([['HOLD_TOO_LONG', 'DEADLINE_EXCEEDED']]);
    expect(h.timeline.since()).toBeNull();
  });

  it('fills nothing off hold or on a channel with no frame yet (no timeline to go on from)', () => {
    const h = harness();
    h.frame('agent', 0);
    h.advance(10_000);
    expect(h.batchers.get('agent')?.audioMs()).toBe(20);
    h.hold(true);
    h.advance(10_000);
    expect(h.batchers.get('customer')?.audioMs()).toBe(0);
    expect(h.batchers.get('agent')?.audioMs()).toBe(20 + 10_000 - HOLD_FILL_LAG_MS);
  });
});
