// Issue 15's "done when" for Twilio, on real speech: the shipped angry nEMO call played as Twilio
// Media Streams plays it (two tracks, 20 ms µ-law messages, paced at 4 × real time) into the
// gateway's Twilio port, then Kafka → dsp-worker → emotion-classifier (child processes) → alert
// service (in-process) → a supervisor's WebSocket: the customer-frustration alert arrives for the
// Twilio CallSid, not before the anger starts and within 10 s of it at real time.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../deploy/kafka/local-broker.ts';
import { emotionEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import { collectTopic, type Collected } from '../../../scripts/lib/pipeline/harness.ts';
import { startPipeline, type RunningPipeline } from '../../../scripts/lib/pipeline/pipeline-procs.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall, segmentStartMs } from '../../support/nemo-calls.ts';
import { alertsOfCall, supervisorClient } from '../emotion/supervisor-watch.ts';
import { connectTwilio, twilioMessages, twilioSid } from './twilio-client.ts';

const SPEED = 4;
const ALERT_WITHIN_MS = 10_000;
const ACCOUNT = twilioSid('AC');
const AUTH_TOKEN = '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a';
const PUBLIC_URL = 'wss://ingest.example.com';

describe('a Twilio stream end to end: adapter → Kafka → workers → alert on the supervisor socket', () => {
  const kafka = testKafka('twilio-e2e');
  const suffix = uniqueName('twilio').replace('.', '-');
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;
  let twilioPort: number;

  beforeAll(async () => {
    twilioPort = await freePort();
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 3,
      extraEnv: {
        'ingest-gateway': {
          TWILIO_HOST: '127.0.0.1',
          TWILIO_PORT: String(twilioPort),
          TWILIO_PUBLIC_URL: PUBLIC_URL,
          TWILIO_ACCOUNTS: `${ACCOUNT}=demo:${AUTH_TOKEN}`,
        },
      },
    });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  });
  afterAll(async () => {
    await emotions?.stop();
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  it('raises customer-frustration for the angry call within 10 s of the anger starting', async () => {
    const supervisor = await supervisorClient(pipeline, suffix);
    const shipped = readShippedCall('call-2-angry-recovers');
    const callSid = twilioSid('CA');
    const connection = await connectTwilio(`ws://127.0.0.1:${twilioPort}/twilio`, PUBLIC_URL, AUTH_TOKEN);
    const startedAtMs = Date.now();
    await connection.send(
      twilioMessages({
        accountSid: ACCOUNT,
        callSid,
        streamSid: twilioSid('MZ'),
        customParameters: { agentId: 'agent-1', queue: 'billing', team: 'blue', consentAnalytics: 'true' },
        customer: shipped.customer,
        agent: shipped.agent,
      }),
      SPEED,
    );
    expect(await connection.closed).toEqual({ code: 1000, reason: 'ENDED' });

    const alerts = await alertsOfCall(supervisor, callSid, shipped.call.durationMs);
    const own = emotions.records.map((r) => r.value).filter((e) => e.callId === callSid);
    expect(new Set(own.map((e) => e.channel))).toEqual(new Set(['agent', 'customer']));
    const first = alerts.find((a) => a.alert.ruleId === 'customer-frustration');
    expect(first, 'a customer-frustration alert reached the supervisor').toBeDefined();
    if (!first) return;
    const angerStartMs = segmentStartMs(shipped.call, 'angry');
    expect(first.alert.audioMs).toBeGreaterThanOrEqual(angerStartMs);
    const sentAtMs = startedAtMs + first.alert.audioMs / SPEED;
    const latencyMs = first.alert.audioMs - angerStartMs + (first.receivedAtMs - sentAtMs);
    console.log(JSON.stringify({ twilio_real_time_alert_latency_ms: latencyMs, alerts: alerts.length }));
    expect(latencyMs).toBeLessThanOrEqual(ALERT_WITHIN_MS);
  });
});
