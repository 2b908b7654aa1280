// Test harness of the alert-service integration tests: starts the real service in-process on a
// real broker with unique topics, logs users in over HTTP, connects real WebSocket clients that
// record every frame, and produces call, emotion, feature records with the shared codecs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaMessage, Producer } from 'kafkajs';
import { inject, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { startAlertService, type AlertService } from '../../../services/alert-service/alert-service.ts';
import { loadAlertServiceConfig, type AlertServiceConfig } from '../../../services/alert-service/config.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import { callEventRecord } from '../../../devkit/records/call-event.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { alertRecordCodec, type AlertRecord } from '../../../services/alert-service/alert-records.ts';
import type { RecordHeaders } from '../../../services/shared/codec.ts';
import {
  callStarted,
  emotionOut,
  emotionRecord,
  featuresOut,
} from '../../../devkit/records/alert-records.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

export interface Harness {
  service: AlertService;
  producer: Producer;
  topics: {
    calls: string;
    emotions: string;
    features: string;
    alerts: string;
    deadletter: string;
    erasures: string;
    revocations: string;
    loginFailures: string;
  };
  baseUrl: string;
  wsUrl: string;
  config: AlertServiceConfig;
}

async function startService(config: AlertServiceConfig): Promise<AlertService> {
  const service = await startAlertService(config, {
    handleSignals: false,
    fromBeginning: true,
    logger: createLogger({ service: 'alert-service', level: 'warn' }),
  });
  onTestFinished(() => service.stop('test finished'));
  return service;
}

/** Topics, environment and producer of a harness, with no service started (e.g. for a child process). */
export type Prepared = Omit<Harness, 'service' | 'baseUrl' | 'wsUrl'> & { env: Record<string, string> };

/** An empty page folder for the instance, removed when the test ends. */
function emptyWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-web-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function prepareHarness(overrides: Record<string, string> = {}): Promise<Prepared> {
  const kafka = testKafka();
  const p = uniqueName('t');
  const topics = {
    calls: `${p}.calls`,
    emotions: `${p}.emotions`,
    features: `${p}.features`,
    alerts: `${p}.alerts`,
    deadletter: `${p}.dl`,
    erasures: `${p}.erasures`,
    revocations: `${p}.revocations`,
    loginFailures: `${p}.login-failures`,
  };
  await createTestTopics(kafka, Object.values(topics), 3);
  const env = {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    HTTP_PORT: '0',
    ALERT_PORT: '0',
    ALERT_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ALERT_GROUP_ID: `${p}.eval`,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    CALLS_TOPIC: topics.calls,
    EMOTIONS_TOPIC: topics.emotions,
    FEATURES_TOPIC: topics.features,
    ALERTS_TOPIC: topics.alerts,
    DEADLETTER_TOPIC: topics.deadletter,
    ERASURES_TOPIC: topics.erasures,
    REVOCATIONS_TOPIC: topics.revocations,
    LOGIN_FAILURES_TOPIC: topics.loginFailures,
    ALERT_WEB_DIR: emptyWebDir(),
    ...overrides,
  };
  const producer = kafka.producer();
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return { producer, topics, config: loadAlertServiceConfig(env), env };
}

/** Starts an instance in this process on prepared topics. */
export async function startInstance(p: Omit<Prepared, 'env'>): Promise<Harness> {
  const service = await startService(p.config);
  const baseUrl = `http://127.0.0.1:${service.web.port}`;
  return { ...p, service, baseUrl, wsUrl: `ws://127.0.0.1:${service.web.port}/ws` };
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const { env: _env, ...prepared } = await prepareHarness(env);
  return startInstance(prepared);
}

/** Another instance on the same topics, evaluator group and token key (its own fan-out group). */
export async function startAnotherInstance(h: Harness): Promise<Harness> {
  const service = await startService({ ...h.config, ALERT_INSTANCE_ID: undefined });
  const baseUrl = `http://127.0.0.1:${service.web.port}`;
  return { ...h, service, baseUrl, wsUrl: `ws://127.0.0.1:${service.web.port}/ws` };
}

export async function login(h: Harness, username: string, password = 'demo1234'): Promise<string> {
  const response = await fetch(`${h.baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export interface Frame {
  type: string;
  receivedAtMs: number;
  [key: string]: unknown;
}

export interface TestClient {
  ws: WebSocket;
  frames: Frame[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  waitFor(predicate: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
}

export async function connect(
  h: Pick<Harness, 'wsUrl'>,
  token: string | null,
  options: { origin?: string; resume?: unknown; forwardedFor?: string } = {},
): Promise<TestClient> {
  const headers: Record<string, string> = {};
  if (options.origin) headers.origin = options.origin;
  if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
  const ws = new WebSocket(h.wsUrl, { headers });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push({ ...(JSON.parse(String(data)) as Frame), receivedAtMs: Date.now() });
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  onTestFinished(() => ws.terminate());
  const client: TestClient = {
    ws,
    frames,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = frames.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching frame in ${timeoutMs} ms; got ${frames.map((f) => f.type).join(',')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  if (token) {
    client.send({ type: 'auth', token, ...(options.resume ? { resume: options.resume } : {}) });
    await client.waitFor((f) => f.type === 'snapshot');
  }
  return client;
}

/** A socket to a run that is still starting, retried until its port takes connections; not signed in. */
export async function connectEarly(wsUrl: string): Promise<TestClient> {
  let page: TestClient | undefined;
  await waitFor(
    'the new run to take connections',
    async () => (page = await connect({ wsUrl }, null).catch(() => undefined)) !== undefined,
    30_000,
    20,
  );
  return page!;
}

/** What producing test records needs. */
type Producing = Pick<Harness, 'producer' | 'topics'>;

export async function startCall(
  h: Producing,
  callId: string,
  agentId: string,
  team = '',
  queue = 'billing-queue',
) {
  await sendRecords(h.producer, [callStarted(h.topics.calls, callId, agentId, queue, team)]);
}

/** Sends an emotion event (produced "now") and returns when it was handed to Kafka. */
export async function sendEmotion(h: Producing, record: EmotionEventRecord): Promise<number> {
  const at = Date.now();
  await sendRecords(h.producer, [
    emotionOut(h.topics.emotions, { ...record, producedAtMs: at, audioCompletedAtMs: at }),
  ]);
  return at;
}

export async function sendFeatures(
  h: Producing,
  callId: string,
  channel: 'agent' | 'customer',
  i: number,
  values: { tension: number; rate: number },
): Promise<void> {
  await sendRecords(h.producer, [featuresOut(h.topics.features, callId, channel, i, values)]);
}

export { emotionRecord };

/** Starts `agentId`'s call and sends 8 angry customer windows: its frustration alert fires. */
export async function startAngryCall(
  h: Producing,
  callId: string,
  agentId: string,
  team = '',
): Promise<void> {
  await startCall(h, callId, agentId, team);
  for (let i = 0; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
}

/**
 * Every record of a topic, in order per partition, read from the beginning to the end the topic had
 * when called (not for a fixed time, which a slow group join could cut short).
 */
export async function recordsInTopic(topic: string): Promise<KafkaMessage[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  /** Per partition, the offset still to reach; reached partitions leave the map. */
  const pending = new Map(ends.filter((e) => e.high !== '0').map((e) => [e.partition, BigInt(e.high) - 1n]));
  const records: KafkaMessage[] = [];
  if (pending.size === 0) return records;
  const consumer = kafka.consumer({ groupId: uniqueName('topic-read') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push(message);
        const last = pending.get(partition);
        if (last !== undefined && BigInt(message.offset) >= last) pending.delete(partition);
      },
    });
    await waitFor(`${topic} read to its end`, () => pending.size === 0, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The alert records of an alerts topic, in order (acknowledgements and probe records skipped). */
export async function alertRecordsInTopic(topic: string): Promise<AlertRecord[]> {
  const alerts: AlertRecord[] = [];
  for (const message of await recordsInTopic(topic)) {
    try {
      alerts.push(alertRecordCodec.decode(message.value, message.headers as RecordHeaders));
    } catch {
      // an acknowledgement, or another test's probe record
    }
  }
  return alerts;
}

/** Alert ids in an alerts topic, in order (acknowledgements skipped). */
export async function alertIdsInTopic(topic: string): Promise<string[]> {
  return (await alertRecordsInTopic(topic)).map((a) => a.alertId);
}

/** The agent's next call (another customer's, queue sales-queue) under an ended call's id. */
export async function startNextCallWithSameId(
  h: Producing,
  callId: string,
  agentId: string,
  endedAtMs: number,
) {
  await sendRecords(h.producer, [nextCallStart(h, callId, agentId, endedAtMs)]);
}

/**
 * The call's end and the next call's start under its id in one batch (a consumer catching up, a
 * rebalance): a page never sees the call ended.
 */
export async function endAndStartNextTogether(
  h: Producing,
  callId: string,
  agentId: string,
  endedAtMs: number,
) {
  await sendRecords(h.producer, [
    callEnded(h.topics.calls, callId, endedAtMs),
    nextCallStart(h, callId, agentId, endedAtMs),
  ]);
}

/** The start of the next call (queue sales-queue) that takes an ended call's id 1 s after its end. */
function nextCallStart(h: Producing, callId: string, agentId: string, endedAtMs: number) {
  const next = callEventRecord(callId, {
    eventId: `${callId}:next:started`,
    agentId,
    queue: 'sales-queue',
    startTimeMs: endedAtMs + 1_000,
  });
  return outRecord(h.topics.calls, callEventCodec, callId, next);
}

/** The gateway's record of the caller withdrawing analytics (and storage) consent mid-call. */
export async function withdrawAnalytics(h: Producing, callId: string): Promise<void> {
  const change = callEventRecord(callId, {
    eventId: `demo/${callId}:call:consent:000`,
    type: 'consent-changed',
    agentId: 'agent-1',
    consent: { analytics: false, storeFeatures: false },
    consentAudioMs: 60_000,
  });
  await sendRecords(h.producer, [outRecord(h.topics.calls, callEventCodec, callId, change)]);
}

/** A customer-frustration alert of a demo call as the hub publishes it (`hub.publishAlert`). */
export function fakeAlert(
  callId: string,
  n: number,
  evidenceBytes = 0,
  agentId = 'agent-1',
): Omit<AlertView, 'seq'> {
  return {
    alertId: `${callId}:customer:${n}:customer-frustration`,
    callId,
    ruleId: 'customer-frustration',
    ruleName: 'Customer frustration sustained',
    kind: 'raised',
    subject: 'customer',
    severity: 'critical',
    audience: 'both',
    message: 'Customer frustrated',
    cue: null,
    evidence: evidenceBytes ? ['x'.repeat(evidenceBytes)] : [],
    audioMs: n * 1000,
    firedAtMs: Date.now(),
    tenant: 'demo',
    agentId,
    team: 'billing',
    queue: 'q',
    acknowledgedBy: null,
    acknowledgedAtMs: null,
  };
}
