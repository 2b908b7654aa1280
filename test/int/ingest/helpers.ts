// Test helpers for the ingest tests: read a topic from the beginning with a fresh consumer group
// until a condition holds (cleaned up when the test ends), an in-process gateway for a test or a
// whole file, its ingested-frame count and live calls (to wait on, not sleep). I/O: Kafka, gRPC, HTTP.
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, inject, onTestFinished } from 'vitest';
import { loadGatewayConfig } from '../../../services/ingest-gateway/config.ts';
import { startGateway, type Gateway } from '../../../services/ingest-gateway/gateway.ts';
import {
  createIngestClient,
  type CallStartMessage,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { outRecord, type OutRecord } from '../../../services/shared/producer.ts';
import { callEventCodec, type CallEvent } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';

/**
 * An idempotent producer, disconnected when the test ends: a retried send on a just-created topic
 * must not write the records twice.
 */
export async function idempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

/** Reads `count` records of a topic from the beginning. */
export function collect<T>(
  kafka: Kafka,
  topic: string,
  count: number,
  map: (message: KafkaMessage, partition: number) => T,
  timeoutMs = 20_000,
): Promise<T[]> {
  return collectUntil(kafka, topic, map, (items) => items.length >= count, timeoutMs);
}

/** The call events of a calls topic, read until the call `callId` has ended (every call's, in order). */
export function callEventsUntilEnded(
  kafka: Kafka,
  topic: string,
  callId: string | undefined,
  timeoutMs?: number,
): Promise<CallEvent[]> {
  return collectUntil(
    kafka,
    topic,
    (m) => callEventCodec.decode(m.value, m.headers),
    (all) => all.some((e) => e.callId === callId && e.type === 'ended'),
    timeoutMs,
  );
}

/** Reads a topic from the beginning until `done(all so far)` is true. */
export async function collectUntil<T>(
  kafka: Kafka,
  topic: string,
  map: (message: KafkaMessage, partition: number) => T,
  done: (items: T[]) => boolean,
  timeoutMs = 20_000,
): Promise<T[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('until'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const out: T[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`condition not met after ${out.length} records of ${topic}`)),
      timeoutMs,
    );
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        out.push(map(message, partition));
        if (done(out)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.stop();
  return out;
}

/** An in-process gateway on loopback (free ports) writing to the given test topics; no drain at stop. */
export async function startTestGateway(
  topics: { audio: string; calls: string },
  env: Record<string, string>,
): Promise<Gateway> {
  const config = loadGatewayConfig({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    AUDIO_TOPIC: topics.audio,
    CALLS_TOPIC: topics.calls,
    LOG_LEVEL: 'error',
    // No drain unless a test asks for one: a test's stop() ends its calls at once, as before the
    // drain (gateway-drain.test.ts drives it through real signals).
    DRAIN_MAX_MS: '0',
    ...env,
  });
  return startGateway(config, { handleSignals: false });
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

/** How many frames a gateway has taken in so far: its va_ingest_frames_total, read from /metrics. */
export async function framesIngested(gateway: Gateway): Promise<number | undefined> {
  const metrics = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
  const count = /va_ingest_frames_total\{service="ingest-gateway"\} (\d+)/.exec(metrics)?.[1];
  return count === undefined ? undefined : Number(count);
}

/**
 * Counts the frames a gateway takes in from now on; its `reached(n)` waits until it has taken at
 * least n more. A test that drops a connection after sending waits on it, not on a fixed pause: a
 * test process descheduled on a loaded CI machine runs the pause's timer before it reads the socket,
 * and frames of a gRPC stream cancelled before the gateway took them are lost (a hold or a call's
 * whole first second went missing, a call was never started).
 */
export async function framesFromNow(gateway: Gateway): Promise<{ reached(count: number): Promise<void> }> {
  const before = (await framesIngested(gateway)) ?? 0;
  const since = async () => ((await framesIngested(gateway)) ?? 0) - before;
  return {
    reached: async (count) => {
      await expect.poll(since, { timeout: 15_000, interval: 20 }).toBeGreaterThanOrEqual(count);
    },
  };
}

/** Live calls of a gateway (its va_ingest_live_calls): a dropped call leaves it once flushed for a resume. */
export async function liveCalls(gateway: Gateway): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.base.ops.port}/metrics`)).text();
  return Number(/va_ingest_live_calls\{service="ingest-gateway"\} (\d+)/.exec(text)?.[1] ?? -1);
}

type IngestClient = ReturnType<typeof createIngestClient>;

export interface FileGateway {
  gateway: Gateway;
  /** A gRPC client of the gateway, closed with it. */
  client: IngestClient;
  /** A client of the test broker, to read the file's topics. */
  kafka: Kafka;
}

/**
 * One in-process gateway for every test of a file: started before them on the given test topics,
 * stopped and the topics deleted after. Its fields are set once the tests run.
 */
export function gatewayForFile(
  topics: { audio: string; calls: string },
  env: Record<string, string>,
): FileGateway {
  const started = {} as FileGateway;
  beforeAll(async () => {
    started.gateway = await startTestGateway(topics, env);
    started.client = createIngestClient(`127.0.0.1:${started.gateway.grpc.port}`);
    started.kafka = testKafka();
  });
  afterAll(async () => {
    started.client?.close();
    await started.gateway?.stop();
    await deleteTopics(started.kafka ?? testKafka(), Object.values(topics));
  });
  return started;
}

/** Simulator options for a gateway of this suite: the fields every test sets, and its own. */
export function simulationOptions<T extends object>(target: string, token: string, own: T) {
  return {
    target,
    token,
    codec: 'pcmu' as 'pcmu' | 'pcma' | 'linear16',
    sampleRateHz: 8000 as const,
    staggerMs: 0,
    analytics: true,
    ...own,
  };
}

/** The CallStart of a plain stereo µ-law call with analytics consent, as most ingest tests send it. */
export function stereoCallStart(
  callId: string,
  over: Partial<CallStartMessage> = {},
): { start: CallStartMessage } {
  return {
    start: {
      callId,
      agentId: 'agent-7',
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      consent: { analytics: true, storeFeatures: true },
      ...over,
    },
  };
}

/**
 * 20 ms µ-law frames on both channels of a stereo call, sequences `from` (0: a new call; a resumed
 * stream goes on where the call left off) up to `to`.
 */
export async function writeStereoFrames(stream: CallStream, to: number, from = 0): Promise<void> {
  for (let sequence = from; sequence < to; sequence += 1)
    for (const channel of ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'])
      await stream.write({
        frame: { channel, sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160) },
      });
}

/**
 * Deletes a one-partition topic of the gateway's, so the real broker holds back what the gateway
 * sends to it and the offsets it asks for (UNKNOWN_TOPIC_OR_PARTITION: kafkajs retries them), for
 * this topic only; `restore()` creates it again (empty) and they go through. The admin is
 * disconnected when the test ends.
 */
export async function topicAway(kafka: Kafka, topic: string): Promise<{ restore(): Promise<void> }> {
  const admin = kafka.admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  await admin.deleteTopics({ topics: [topic] });
  await expect.poll(async () => (await admin.listTopics()).includes(topic)).toBe(false);
  const create = () => admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }).catch(() => false);
  return {
    restore: async () => {
      await expect.poll(create, { timeout: 10_000 }).toBe(true);
    },
  };
}

/** Tenant acme's `consent-changed` event withdrawing every consent of `callId`, at audio 500 ms. */
export const consentWithdrawal = (topic: string, callId: string): OutRecord =>
  outRecord(topic, callEventCodec, callKey('acme', callId), {
    eventId: `acme/${callId}:call:consent:000`,
    callId,
    type: 'consent-changed',
    tenant: 'acme',
    consent: { analytics: false, storeFeatures: false, historyOptOut: false },
    producedAtMs: Date.now(),
    consentAudioMs: 500,
  } as CallEvent);
