// The merged session logic of a ConsentChange with per-leg starts (pendingStart), hold and
// resumes, against a fake sink: which records leave, in which order, with what leg and audio time.
import { describe, expect, it } from 'vitest';
import {
  createCallSession,
  type DroppedCall,
  type RawCallAudio,
} from '../../../../services/ingest-gateway/call-session.ts';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import { afterAnnounced } from '../../../../services/ingest-gateway/handover-consent.ts';
import { createLiveCalls } from '../../../../services/ingest-gateway/live-calls.ts';
import {
  audioChunkCodec,
  callEventCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../../services/shared/records.ts';
import { fakeSink, quietLogger, sessionSettings, testGatewayMetrics } from './fake-sink.ts';

type Out = { kind: 'chunk'; chunk: AudioChunk } | { kind: 'event'; event: CallEvent };

/** `brokerAcksEvents`: the broker acknowledges call events once it resolves (audio at once). */
function harness(droppedCall?: DroppedCall, brokerAcksEvents: Promise<void> = Promise.resolve()) {
  const out: Out[] = [];
  let clock = 1_700_000_000_000;
  const sink = fakeSink(async (records) => {
    if (records.some((r) => r.topic === 'calls')) await brokerAcksEvents;
    for (const r of records) {
      const value = r.message.value as Buffer;
      if (r.topic === 'audio') out.push({ kind: 'chunk', chunk: audioChunkCodec.decode(value, undefined) });
      else out.push({ kind: 'event', event: callEventCodec.decode(value, undefined) });
    }
  });
  const closed: unknown[] = [];
  const session = createCallSession({
    tenant: 'acme',
    settings: sessionSettings(),
    liveCalls: createLiveCalls(100),
    sink,
    logger: quietLogger(),
    metrics: testGatewayMetrics(),
    writeAck: () => {},
    close: (e) => closed.push(e ?? 'ok'),
    resumesElsewhere: true,
    droppedCall: droppedCall ? () => droppedCall : undefined,
    now: () => clock,
    monotonicNow: () => clock,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { session, out, closed, advance };
}

const start = (
  consent: { analytics: boolean; storeFeatures: boolean; historyOptOut?: boolean },
  agentId = 'agent-a',
): RawCallAudio => ({
  message: 'start',
  start: {
    callId: 'call-1',
    tenant: 'acme',
    agentId,
    queue: 'q',
    customerRef: '',
    startTimeMs: 0,
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    channels: ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
    consent,
    team: 't',
  },
});
const frame = (
  channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER',
  sequence: number,
  audioTimeMs = sequence * 20,
): RawCallAudio => ({
  message: 'frame',
  frame: { channel, sequence, audioTimeMs, payload: Buffer.alloc(160, 0x55) },
});
const consentChange = (consent: {
  analytics: boolean;
  storeFeatures: boolean;
  historyOptOut?: boolean;
}): RawCallAudio => ({
  message: 'consentChange',
  consentChange: { consent },
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 120));
const events = (out: Out[]) =>
  out.filter((o): o is Extract<Out, { kind: 'event' }> => o.kind === 'event').map((o) => o.event);
const chunks = (out: Out[]) =>
  out.filter((o): o is Extract<Out, { kind: 'chunk' }> => o.kind === 'chunk').map((o) => o.chunk);

describe('call session: consent change merged with per-leg starts and hold', () => {
  it('a resumed leg whose client narrows store_features before its first frame keeps its leg start', async () => {
    // Agent B resumes the call at 60 s after a transfer and at once narrows store_features.
    const { session, out } = harness({
      consent: { analytics: true, storeFeatures: true },
      announced: true,
      audioMs: 60_000,
    });
    session.handle(start({ analytics: true, storeFeatures: true }, 'agent-b'));
    session.handle(consentChange({ analytics: true, storeFeatures: false }));
    session.handle(frame('CHANNEL_AGENT', 3000, 60_000));
    session.handle(frame('CHANNEL_CUSTOMER', 3000, 60_000));
    session.handle({ message: 'end', end: { reason: 'hangup' } });
    await settle();
    const started = events(out).filter((e) => e.type === 'started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ legStartKnown: true, legStartAudioMs: 60_000 });
  });

  it('a narrowing that keeps analytics does not strand the buffered audio until the next frame', async () => {
    const { session, out, advance } = harness();
    session.handle(start({ analytics: true, storeFeatures: true }));
    session.handle(frame('CHANNEL_AGENT', 0));
    session.handle(frame('CHANNEL_CUSTOMER', 0));
    session.handle(consentChange({ analytics: true, storeFeatures: false }));
    // The client sends nothing more for a while (e.g. the call goes quiet / the client buffers).
    advance(500);
    await settle();
    expect(chunks(out).length).toBeGreaterThanOrEqual(2);
  });

  it('a resumed CallStart that withdraws analytics closes the call in the dsp-worker (final chunks)', async () => {
    const { session, out } = harness({
      consent: { analytics: true, storeFeatures: true },
      announced: true,
      audioMs: 60_000,
    });
    session.handle(start({ analytics: false, storeFeatures: false }));
    await settle();
    const changed = events(out).find((e) => e.type === 'consent-changed');
    expect(changed).toMatchObject({ consentAudioMs: 60_000 });
    // SECURITY.md: "each channel's final chunk closes the call in the dsp-worker, which drops later audio of it"
    const finals = chunks(out).filter((c) => c.final);
    expect(finals.map((c) => c.channel).sort()).toEqual(['agent', 'customer']);
  });

  it('analytics withdrawn before the first frame of a resumed leg: the change is at the resume point', async () => {
    const { session, out } = harness({
      consent: { analytics: true, storeFeatures: true },
      announced: true,
      audioMs: 60_000,
    });
    session.handle(start({ analytics: true, storeFeatures: true }, 'agent-b'));
    session.handle(consentChange({ analytics: false, storeFeatures: false }));
    await settle();
    const changed = events(out).find((e) => e.type === 'consent-changed');
    expect(changed?.consentAudioMs).toBe(60_000);
    // No frame will place the pending start: it goes out where the resume goes on.
    expect(events(out).find((e) => e.type === 'started')).toMatchObject({
      legStartKnown: true,
      legStartAudioMs: 60_000,
    });
  });

  it('after analytics is withdrawn, hold, frames, a hand-over and the end send no audio', async () => {
    const { session, out } = harness();
    session.handle(start({ analytics: true, storeFeatures: true }));
    for (let s = 0; s < 10; s += 1) {
      session.handle(frame('CHANNEL_AGENT', s));
      session.handle(frame('CHANNEL_CUSTOMER', s));
    }
    session.handle(consentChange({ analytics: false, storeFeatures: true }));
    await settle();
    const before = chunks(out).length;
    session.handle({ message: 'hold', hold: { onHold: true } });
    for (let s = 10; s < 20; s += 1) {
      session.handle(frame('CHANNEL_AGENT', s));
      session.handle(frame('CHANNEL_CUSTOMER', s));
    }
    session.handle({ message: 'hold', hold: { onHold: false } });
    session.drop('network');
    await settle();
    expect(chunks(out).length).toBe(before);
    expect(events(out).map((e) => e.type)).toEqual(['started', 'consent-changed']);
  });

  it('a resumed leg that ends or drops before its first frame starts where the resume goes on', async () => {
    for (const finish of ['end', 'drop'] as const) {
      const { session, out } = harness({
        consent: { analytics: true, storeFeatures: true },
        announced: true,
        audioMs: 60_000,
      });
      session.handle(start({ analytics: true, storeFeatures: true }, 'agent-b'));
      if (finish === 'end') session.handle({ message: 'end', end: { reason: 'hangup' } });
      else session.drop('network');
      await settle();
      expect(events(out).find((e) => e.type === 'started')).toMatchObject({
        legStartKnown: true,
        legStartAudioMs: 60_000,
      });
    }
  });

  it('hands a call over (UNAVAILABLE) only once its consent-changed event is acknowledged', async () => {
    let acknowledge = () => {};
    const acked = new Promise<void>((resolve) => (acknowledge = resolve));
    const { session, closed } = harness(undefined, acked);
    session.handle(start({ analytics: true, storeFeatures: true }));
    session.handle(frame('CHANNEL_AGENT', 0));
    session.handle(consentChange({ analytics: false, storeFeatures: false }));
    session.reject(new IngestError('SHUTTING_DOWN', 'the gateway is shutting down'));
    await settle();
    // Told now, the client could resume elsewhere before that gateway can read the withdrawal.
    expect(closed).toEqual([]);
    acknowledge();
    await settle();
    expect(closed).toMatchObject([{ code: 'SHUTTING_DOWN' }]);

    // Without a consent change, the hand-over is told at once, as before.
    const plain = harness(undefined, new Promise(() => {}));
    plain.session.handle(start({ analytics: true, storeFeatures: true }));
    plain.session.reject(new IngestError('SHUTTING_DOWN', 'the gateway is shutting down'));
    expect(plain.closed).toMatchObject([{ code: 'SHUTTING_DOWN' }]);
  });

  it('does not keep a handed-over client waiting for an event the broker never acknowledges', async () => {
    const told: number[] = [];
    const started = Date.now();
    await afterAnnounced(new Promise(() => {}), () => told.push(Date.now() - started), 50);
    expect(told).toHaveLength(1);
    expect(told[0]).toBeGreaterThanOrEqual(45);
  });
});
