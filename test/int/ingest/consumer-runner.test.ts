// The shared at-least-once consumer runner against the real broker: outputs produced before the
// commit, a poison record dead-lettered with its reason while the others flow, hooks called.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsumerRunner, type TopicPartition } from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { outRecord } from '../../../services/shared/producer.ts';
import {
  audioChunkCodec,
  callEventCodec,
  deadLetterCodec,
  type AudioChunk,
} from '../../../services/shared/records.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { collect } from './helpers.ts';

const chunk = (callId: string, index: number): AudioChunk => ({
  callId,
  channel: 'agent',
  codec: 'pcmu',
  sampleRateHz: 8000,
  firstSequence: index * 5,
  lastSequence: index * 5 + 4,
  audioStartMs: index * 100,
  audioEndMs: index * 100 + 100,
  payload: new Uint8Array(800),
  firstReceivedAtMs: Date.now(),
  receivedAtMs: Date.now(),
  final: false,
  tenant: 't',
  chunkIndex: index,
});

describe('consumer runner', () => {
  it('produces outputs, dead-letters a poison record and commits past both', async () => {
    const kafka = testKafka();
    const [input, output, dead] = [uniqueName('t.in'), uniqueName('t.out'), uniqueName('t.dlq')];
    await createTestTopics(kafka, [input, output, dead], 1);
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({
      topic: input,
      messages: [
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 0)), headers: audioChunkCodec.headers() },
        { key: 'c1', value: Buffer.from([0xff, 0xff, 0xff]), headers: audioChunkCodec.headers() },
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 1)), headers: audioChunkCodec.headers() },
        { key: 'c1', value: audioChunkCodec.encode(chunk('c1', 2)) },
      ],
    });

    const assigned: TopicPartition[] = [];
    const revoked: TopicPartition[] = [];
    const groupId = uniqueName('g');
    const metrics = createServiceMetrics('test-runner', { defaultMetrics: false });
    const runner = createConsumerRunner({
      kafka,
      producer,
      service: 'test-runner',
      groupId,
      topics: [input],
      logger: createLogger({ service: 'test-runner', write: () => undefined }),
      metrics,
      deadLetterTopic: dead,
      decode: (value, headers) => audioChunkCodec.decode(value, headers),
      handle: (record) => [
        outRecord(output, callEventCodec, record.key, {
          eventId: `${record.value.callId}:${record.value.chunkIndex}`,
          callId: record.value.callId,
          type: 'started',
        } as never),
      ],
      onAssigned: (partitions) => assigned.push(...partitions),
      onRevoked: (partitions) => revoked.push(...partitions),
    });
    await runner.start();

    const outputs = await collect(kafka, output, 3, (m) => callEventCodec.decode(m.value).eventId);
    expect(outputs).toEqual(['c1:0', 'c1:1', 'c1:2']);
    const letters = await collect(kafka, dead, 1, (m) => deadLetterCodec.decode(m.value));
    expect(letters[0]).toMatchObject({
      topic: input,
      partition: 0,
      offset: '1',
      reasonCode: 'DECODE_FAILED',
    });
    expect(Array.from(letters[0].originalValue)).toEqual([0xff, 0xff, 0xff]);
    expect(runner.ready()).toBe(true);
    expect(assigned).toEqual([{ topic: input, partition: 0 }]);

    await runner.stop();
    expect(revoked).toEqual([{ topic: input, partition: 0 }]);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    await admin.disconnect();
    expect(offsets[0].partitions[0].offset).toBe('4');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/va_errors_total\{code="DECODE_FAILED",service="test-runner"\} 1/);
  });
});
