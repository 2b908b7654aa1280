// Which partitions the real gateway writes calls' audio to, on the real broker: with the
// call-balanced partitioner (the default) concurrent calls spread over 12 partitions within one
// call of each other, also after some end and others take their places, every record of a call
// on one partition in order, the calls topic still on the key hash, and no place left after the
// calls end; with AUDIO_PARTITIONER=hash the audio goes where the key's murmur2 hash puts it.
import * as grpc from '@grpc/grpc-js';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { audioChunkCodec, callEventCodec } from '../../../services/shared/records.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, deleteTopics, startTestGateway, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const PARTITIONS = 12;
const kafka = testKafka();

interface Running {
  gateway: Gateway;
  client: ReturnType<typeof createIngestClient>;
  topics: { audio: string; calls: string };
}

async function startRunning(env: Record<string, string>): Promise<Running> {
  const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
  const gateway = await startTestGateway(topics, {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TOPIC_PARTITIONS: String(PARTITIONS),
    BATCH_MAX_DELAY_MS: '40',
    ...env,
  });
  return { gateway, client: createIngestClient(`127.0.0.1:${gateway.grpc.port}`), topics };
}

async function stopRunning(running: Running | undefined): Promise<void> {
  if (!running) return;
  running.client.close();
  await running.gateway.stop();
  await deleteTopics(kafka, [running.topics.audio, running.topics.calls]);
}

/** One stereo call: started, then `send` writes 20 ms frames of both channels from its sequence on. */
async function openCall(running: Running, callId: string) {
  const stream: CallStream = openCallStream(running.client, TOKEN);
  await stream.write(stereoCallStart(callId));
  let sequence = 0;
  return {
    callId,
    /** Frames sent per channel so far. */
    framesSent: () => sequence,
    async send(frames: number) {
      for (let i = 0; i < frames; i += 1, sequence += 1) {
        for (const channel of ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'] as const) {
          const payload = new Uint8Array(160).fill(sequence % 256);
          await stream.write({ frame: { channel, sequence, audioTimeMs: sequence * 20, payload } });
        }
      }
    },
    async end() {
      await stream.write({ end: { reason: 'hangup' } });
      return (await stream.finish()).code;
    },
  };
}

type Call = Awaited<ReturnType<typeof openCall>>;

/** Every audio record, with its partition, until each named call's two final chunks arrived. */
function audioRecords(running: Running, callIds: string[]) {
  const expectedFinals = callIds.length * 2;
  return collectUntil(
    kafka,
    running.topics.audio,
    (m, partition) => ({
      partition,
      key: m.key?.toString(),
      chunk: audioChunkCodec.decode(m.value, m.headers),
    }),
    (all) => all.filter((r) => r.chunk.final).length >= expectedFinals,
    60_000,
  );
}

/** The partition of each call, failing if one call's records are on two. */
function partitionOfEachCall(
  records: { partition: number; chunk: { callId: string } }[],
): Map<string, number> {
  const byCall = new Map<string, Set<number>>();
  for (const { partition, chunk } of records) {
    const set = byCall.get(chunk.callId) ?? new Set<number>();
    set.add(partition);
    byCall.set(chunk.callId, set);
  }
  for (const [callId, partitions] of byCall) expect([callId, partitions.size]).toEqual([callId, 1]);
  return new Map([...byCall].map(([callId, partitions]) => [callId, [...partitions][0]]));
}

function callsPerPartition(partitionOf: Map<string, number>, callIds: string[]): number[] {
  const counts: number[] = Array.from({ length: PARTITIONS }, () => 0);
  for (const callId of callIds) counts[partitionOf.get(callId) as number] += 1;
  return counts;
}

const metadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
  partitionErrorCode: 0,
  partitionId,
  leader: 0,
  replicas: [0],
  isr: [0],
  offlineReplicas: [],
}));
const hashPartition = (key: string): number =>
  Partitioners.DefaultPartitioner()({
    topic: 'any',
    partitionMetadata: metadata,
    message: { key, value: null },
  });

describe('call-balanced audio partitions (AUDIO_PARTITIONER=balanced, the default)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startRunning({});
  });
  afterAll(() => stopRunning(running));

  it('spreads live calls evenly over 12 partitions, keeps each call on one, and frees places at call end', async () => {
    const name = (i: number) => `${uniqueName('bal').replace('.', '-')}-${i}`;
    // 30 calls live at once: 2 or 3 per partition.
    const first: Call[] = await Promise.all(Array.from({ length: 30 }, (_, i) => openCall(running, name(i))));
    await Promise.all(first.map((call) => call.send(10)));
    // 12 of them end; 12 new calls take the emptied places while the other 18 go on streaming.
    const ending = first.slice(0, 12);
    const going = first.slice(12);
    expect(await Promise.all(ending.map((call) => call.end()))).toEqual(ending.map(() => grpc.status.OK));
    expect(running.gateway.audioPlacement?.size()).toBe(18);
    // The same live calls per partition, as /metrics shows them.
    const gauge = await running.gateway.base.metrics.registry
      .getSingleMetric('va_ingest_audio_partition_calls')
      ?.get();
    expect(gauge?.values.reduce((sum, v) => sum + v.value, 0)).toBe(18);
    const second: Call[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) => openCall(running, name(100 + i))),
    );
    await Promise.all([...going, ...second].map((call) => call.send(10)));
    const rest = [...going, ...second];
    expect(await Promise.all(rest.map((call) => call.end()))).toEqual(rest.map(() => grpc.status.OK));
    expect(running.gateway.audioPlacement?.size()).toBe(0);

    const all = [...first, ...second].map((call) => call.callId);
    const records = await audioRecords(running, all);
    const partitionOf = partitionOfEachCall(records);
    expect([...partitionOf.keys()].sort()).toEqual([...all].sort());
    const spread = (counts: number[]) => Math.max(...counts) - Math.min(...counts);
    // Live together: the first 30, then the 18 that went on with the 12 new ones.
    expect(
      spread(
        callsPerPartition(
          partitionOf,
          first.map((c) => c.callId),
        ),
      ),
    ).toBeLessThanOrEqual(1);
    expect(
      spread(
        callsPerPartition(
          partitionOf,
          rest.map((c) => c.callId),
        ),
      ),
    ).toBeLessThanOrEqual(1);
    // Per call and channel, the chunks in their partition are in order, and all the audio is there.
    for (const call of [...first, ...second]) {
      for (const channel of ['agent', 'customer']) {
        const own = records.filter((r) => r.chunk.callId === call.callId && r.chunk.channel === channel);
        expect(own.map((r) => r.chunk.chunkIndex)).toEqual(own.map((_, i) => i));
        expect(own.at(-1)?.chunk.final).toBe(true);
        expect(own.at(-1)?.chunk.audioEndMs).toBeCloseTo(call.framesSent() * 20, 6);
      }
    }

    // The calls topic keeps the key hash: call events are not placed.
    const events = await collectUntil(
      kafka,
      running.topics.calls,
      (m, partition) => ({
        partition,
        key: m.key?.toString() as string,
        event: callEventCodec.decode(m.value, m.headers),
      }),
      (got) => got.filter((e) => e.event.type === 'ended').length >= all.length,
    );
    for (const { partition, key } of events) expect(partition).toBe(hashPartition(key));
  });

  it('frees the place of a call refused for a late frame or a second CallEnd', async () => {
    const name = (i: number) => `${uniqueName('late').replace('.', '-')}-${i}`;
    // A late frame, or a second CallEnd, while the CallEnd's flush is in flight is refused
    // (FAILED_PRECONDITION) and leaves no place behind (it had leaked one per call).
    for (const late of [
      {
        frame: {
          channel: 'CHANNEL_AGENT' as const,
          sequence: 99,
          audioTimeMs: 1980,
          payload: new Uint8Array(160),
        },
      },
      { end: { reason: 'hangup' } },
    ]) {
      const stream = openCallStream(running.client, TOKEN);
      await stream.write({
        start: {
          callId: name(200 + (late.end ? 1 : 0)),
          agentId: 'agent-7',
          codec: 'CODEC_PCMU',
          sampleRateHz: 8000,
          consent: { analytics: true, storeFeatures: true },
        },
      });
      await stream.write({
        frame: { channel: 'CHANNEL_AGENT', sequence: 0, audioTimeMs: 0, payload: new Uint8Array(160) },
      });
      void stream.write({ end: { reason: 'hangup' } });
      void stream.write(late);
      expect((await stream.finish()).code).toBe(grpc.status.FAILED_PRECONDITION);
    }
    await expect.poll(() => running.gateway.audioPlacement?.size()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the flushes' records are placed
    expect(running.gateway.audioPlacement?.size()).toBe(0);
  });
});

describe('key-hashed audio partitions (AUDIO_PARTITIONER=hash)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startRunning({ AUDIO_PARTITIONER: 'hash' });
  });
  afterAll(() => stopRunning(running));

  it('sends each call audio to the partition of its key murmur2 hash, as kafkajs does', async () => {
    const calls = await Promise.all(
      Array.from({ length: 6 }, (_, i) => openCall(running, `${uniqueName('hash').replace('.', '-')}-${i}`)),
    );
    await Promise.all(calls.map((call) => call.send(5)));
    expect(await Promise.all(calls.map((call) => call.end()))).toEqual(calls.map(() => grpc.status.OK));
    expect(running.gateway.audioPlacement).toBeNull();
    const records = await audioRecords(
      running,
      calls.map((call) => call.callId),
    );
    expect(records.length).toBeGreaterThan(0);
    for (const { partition, key } of records) expect(partition).toBe(hashPartition(key as string));
  });
});
