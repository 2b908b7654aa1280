// The acks held by a consent change (held-acks.ts) and the call's end: the CallEnd's ENDED ack must
// reach the stream before it is closed, however the broker's acknowledgements are batched.
import { describe, expect, it } from 'vitest';
import { createCallSession, type RawCallAudio } from '../../../../services/ingest-gateway/call-session.ts';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import { createGatewayMetrics } from '../../../../services/ingest-gateway/gateway-metrics.ts';
import type { KafkaSink } from '../../../../services/ingest-gateway/kafka-sink.ts';
import { createLiveCalls } from '../../../../services/ingest-gateway/live-calls.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../../services/shared/metrics.ts';

/** A sink whose broker acknowledges everything queued at once (one produce request), on release(). */
function harness() {
  let waiting: (() => void)[] = [];
  const sink: KafkaSink = {
    send: () => new Promise<void>((resolve) => waiting.push(resolve)),
    isBehind: () => false,
    onceDrained: () => {},
    pendingBytes: () => 0,
    stalledForMs: () => 0,
    idle: async () => {},
  };
  const log: string[] = [];
  let closed = false;
  const session = createCallSession({
    tenant: 'acme',
    settings: {
      customerRefKeys: new Map(),
      maxFrameBytes: 64_000,
      batchMaxDelayMs: 40,
      maxChunkMs: 1_000,
      maxGapFillMs: 5_000,
      ackEveryFrames: 1_000,
      callStartTimeoutMs: 10_000,
      pace: { maxSpeed: 0, burstMs: 0 },
      topics: { audio: 'audio', calls: 'calls' },
      brokerOutage: { shedAfterMs: 60_000, holdMaxMs: 120_000, retryPushbackMs: 1_000 },
    },
    liveCalls: createLiveCalls(100),
    sink,
    logger: createLogger({ service: 'test', write: () => {} }),
    metrics: createGatewayMetrics(createServiceMetrics('test', { defaultMetrics: false })),
    // As grpc-server.ts: nothing is written once the stream is closed.
    writeAck: (ack) => {
      if (!closed) log.push(ack.state);
    },
    close: (e) => {
      closed = true;
      log.push(e ? `close ${e.code}` : 'close ok');
    },
    resumesElsewhere: true,
  });
  const release = () => {
    const all = waiting;
    waiting = [];
    for (const resolve of all) resolve();
  };
  return { session, log, release };
}

const start: RawCallAudio = {
  message: 'start',
  start: {
    callId: 'call-1',
    tenant: 'acme',
    agentId: 'a',
    queue: 'q',
    customerRef: '',
    startTimeMs: 0,
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    channels: ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
    consent: { analytics: true, storeFeatures: true },
    team: 't',
  },
};
const frame: RawCallAudio = {
  message: 'frame',
  frame: { channel: 'CHANNEL_AGENT', sequence: 1, audioTimeMs: 0, payload: Buffer.alloc(160, 0x55) },
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('held acks and CallEnd', () => {
  it('writes the ENDED ack before closing when the broker acknowledges the changes and the end together', async () => {
    const { session, log, release } = harness();
    session.handle(start);
    session.handle(frame);
    release();
    await settle();
    session.handle({
      message: 'consentChange',
      consentChange: { consent: { analytics: true, storeFeatures: false } },
    });
    session.handle({
      message: 'consentChange',
      consentChange: { consent: { analytics: false, storeFeatures: false } },
    });
    session.handle({ message: 'end', end: { reason: 'hangup' } });
    release();
    await settle();
    release();
    await settle();
    expect(log.slice(-3)).toEqual(['CALL_STATE_NOT_ANALYSED', 'CALL_STATE_ENDED', 'close ok']);
  });

  it('writes the ENDED ack before closing after one change', async () => {
    const { session, log, release } = harness();
    session.handle(start);
    session.handle(frame);
    release();
    await settle();
    session.handle({
      message: 'consentChange',
      consentChange: { consent: { analytics: false, storeFeatures: false } },
    });
    session.handle({ message: 'end', end: { reason: 'hangup' } });
    release();
    await settle();
    release();
    await settle();
    expect(log.slice(-3)).toEqual(['CALL_STATE_NOT_ANALYSED', 'CALL_STATE_ENDED', 'close ok']);
  });
});

describe('held acks and a hand-over', () => {
  it("writes the acknowledged change's NOT_ANALYSED ack before the UNAVAILABLE status", async () => {
    const { session, log, release } = harness();
    session.handle(start);
    session.handle(frame);
    release();
    await settle();
    session.handle({
      message: 'consentChange',
      consentChange: { consent: { analytics: true, storeFeatures: false } },
    });
    session.handle({
      message: 'consentChange',
      consentChange: { consent: { analytics: false, storeFeatures: false } },
    });
    // A drain: SHUTTING_DOWN hands the call over once its change is acknowledged (handover-consent.ts).
    session.reject(new IngestError('SHUTTING_DOWN', 'the gateway is shutting down'));
    release();
    await settle();
    release();
    await settle();
    expect(log.slice(-2)).toEqual(['CALL_STATE_NOT_ANALYSED', 'close SHUTTING_DOWN']);
  });
});
