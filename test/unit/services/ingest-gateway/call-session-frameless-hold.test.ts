// Review (frameless hold): the session's held timeline against a fake sink and clock. The fill
// runs on the session's real 1 s timer; the clock it reads is the fake one.
import { describe, expect, it } from 'vitest';
import { createCallSession, type RawCallAudio } from '../../../../services/ingest-gateway/call-session.ts';
import { createLiveCalls } from '../../../../services/ingest-gateway/live-calls.ts';
import { audioChunkCodec, type AudioChunk } from '../../../../services/shared/records.ts';
import { fakeSink, quietLogger, sessionSettings, testGatewayMetrics } from './fake-sink.ts';

function harness(settings: { maxHoldMs?: number; pace?: { maxSpeed: number; burstMs: number } } = {}) {
  const chunks: AudioChunk[] = [];
  let clock = 1_700_000_000_000;
  const sink = fakeSink((records) => {
    for (const r of records)
      if (r.topic === 'audio') chunks.push(audioChunkCodec.decode(r.message.value as Buffer, undefined));
  });
  const closed: { code?: string }[] = [];
  const session = createCallSession({
    tenant: 'acme',
    settings: {
      ...sessionSettings(),
      maxHoldMs: settings.maxHoldMs ?? 3_600_000,
      pace: settings.pace ?? { maxSpeed: 2, burstMs: 5_000 },
    },
    liveCalls: createLiveCalls(100),
    sink,
    logger: quietLogger(),
    metrics: testGatewayMetrics(),
    writeAck: () => {},
    close: (e) => closed.push((e as { code?: string }) ?? {}),
    resumesElsewhere: true,
    now: () => clock,
    monotonicNow: () => clock,
  });
  session.handle({
    message: 'start',
    start: {
      callId: 'call-1',
      tenant: 'acme',
      agentId: 'agent-a',
      queue: 'q',
      customerRef: '',
      startTimeMs: 0,
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
      consent: { analytics: true, storeFeatures: true },
      team: 't',
    },
  } as RawCallAudio);
  const frame = (
    channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER',
    sequence: number,
    audioTimeMs = sequence * 20,
  ) =>
    session.handle({
      message: 'frame',
      frame: { channel, sequence, audioTimeMs, payload: Buffer.alloc(160, 0x55) },
    });
  const pair = (sequence: number) => {
    frame('CHANNEL_AGENT', sequence);
    frame('CHANNEL_CUSTOMER', sequence);
  };
  const hold = (onHold: boolean) => session.handle({ message: 'hold', hold: { onHold } });
  const advance = (ms: number) => {
    clock += ms;
  };
  const msOf = (channel: string, held: boolean) =>
    chunks
      .filter((c) => c.channel === channel && c.onHold === held)
      .reduce((ms, c) => ms + c.audioEndMs - c.audioStartMs, 0);
  return { session, chunks, closed, frame, pair, hold, advance, msOf };
}

/** Lets the session's 1 s fill timer fire once (and the 40 ms batch timers after it). */
const tick = () => new Promise((resolve) => setTimeout(resolve, 1_150));

describe('call session: a frameless hold (review)', () => {
  it('does not fill a channel an hour of silence in one tick because the other channel started an hour on', async () => {
    const h = harness();
    h.frame('CHANNEL_AGENT', 0, 0);
    h.frame('CHANNEL_CUSTOMER', 0, 3_600_000); // a first frame may place its channel up to a day on
    h.hold(true);
    h.advance(1_000);
    await tick();
    // The gap path bounds the same alignment (ALIGN_FILL_MAX_MS and the pace room); the hold fill did not.
    expect(h.msOf('agent', true)).toBeLessThanOrEqual(10_000);
    expect(h.chunks.filter((c) => c.channel === 'agent').length).toBeLessThanOrEqual(12);
  });

  it("keeps the client's speech after the hold when its messages reach the gateway late (backpressure pause)", async () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq); // 0-1 s
    h.hold(true);
    // The sink falls behind: the gateway stops reading the stream (stream-hold.ts). Meanwhile the
    // client takes the call off hold 3 s into it and talks; its messages wait in the transport.
    h.session.hold(true);
    h.advance(10_000);
    await tick();
    // The sink drains, the stream is read again: CallHold off and 6 s of speech from 4 s on.
    h.session.hold(false);
    h.hold(false);
    for (let seq = 200; seq < 500; seq += 1) h.pair(seq);
    await new Promise((resolve) => setTimeout(resolve, 100));
    h.hold(true); // close the last chunk (a hold change flushes)
    await new Promise((resolve) => setTimeout(resolve, 100));
    // All 6 s of speech off hold reach Kafka, besides the 1 s before the hold.
    expect([h.msOf('agent', false), h.msOf('customer', false)]).toEqual([7_000, 7_000]);
  });

  it('drops a reordered frame on hold as late, as off hold, rather than ending the call', async () => {
    const h = harness();
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq);
    h.hold(true);
    h.frame('CHANNEL_AGENT', 51);
    h.frame('CHANNEL_AGENT', 50); // RTP reordering: the late packet arrives second
    expect(h.closed).toEqual([]);
    expect(h.session.state()).toBe('live');
  });

  it('reads audio_time_ms from the first frame only (ingest.proto): a resumed stream sending 0 after it is not refused on hold', async () => {
    const h = harness();
    h.frame('CHANNEL_AGENT', 3_000, 60_000);
    h.frame('CHANNEL_CUSTOMER', 3_000, 60_000);
    h.hold(true);
    h.frame('CHANNEL_AGENT', 3_001, 0);
    expect(h.closed).toEqual([]);
  });

  it('does not end a call that streams its hold music (frames) after HOLD_MAX_MS: "works as before"', async () => {
    const h = harness({ maxHoldMs: 3_000 });
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq);
    h.hold(true);
    for (let s = 1; s <= 5; s += 1) {
      h.advance(1_000);
      for (let seq = 50 * s; seq < 50 * (s + 1); seq += 1) h.pair(seq); // real-time hold music
    }
    await tick();
    expect(h.closed).toEqual([]);
  });

  it('still ends a frameless stretch of a hold past HOLD_MAX_MS HOLD_TOO_LONG', async () => {
    const h = harness({ maxHoldMs: 3_000 });
    for (let seq = 0; seq < 50; seq += 1) h.pair(seq);
    h.hold(true);
    h.advance(1_000);
    h.pair(50);
    h.advance(3_500);
    await tick();
    expect(h.closed.map((e) => e.code)).toEqual(['HOLD_TOO_LONG']);
  });

  it('moves a hold resumed on another gateway on from the frame that places it (README: CallStart, CallHold, one frame per channel)', async () => {
    const h = harness();
    // This gateway does not know the call: the client resumes it 5 min in, still on hold.
    h.hold(true);
    h.pair(15_000); // 300 s at its own clock
    h.advance(30_000); // 30 s of the hold on this gateway, no frame
    await tick();
    // The dsp-worker ends a call with no audio for CALL_IDLE_TIMEOUT_MS (30 s): the fill must move.
    expect(h.msOf('agent', true)).toBeGreaterThanOrEqual(30_000 - 2_000 - 20);
  });
});
