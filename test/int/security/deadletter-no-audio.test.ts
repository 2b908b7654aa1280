// Issue 13, High 6, against a real dsp-worker process and broker: with MAX_CALLS=1 every audio
// chunk of a second call is dead-lettered (CALL_LIMIT_EXCEEDED). Dead letters are kept 7 days;
// audio may only transit (1 h). So each dead letter carries the reason and the coordinates of
// the record, and not one byte of its audio.
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  collectTopic,
  createTopicsReady,
  produceCallAudio,
  startServiceProcess,
  toTelephoneCall,
  waitFor,
  type ServiceProcess,
} from '../../../scripts/lib/pipeline/harness.ts';
import { syntheticCall } from '../../../scripts/lib/pipeline/call-audio.ts';
import { deadLetterCodec, type DeadLetterRecord } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';

const kafka = testKafka('va-test-dlq-audio');
const topics = {
  audio: uniqueName('t.audio'),
  features: uniqueName('t.features'),
  deadletter: uniqueName('t.dlq'),
};
let worker: ServiceProcess | undefined;

afterAll(async () => {
  await worker?.stop('SIGKILL');
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
});

describe('dead letters', () => {
  it('carry no audio bytes when a worker over MAX_CALLS rejects a call', async () => {
    const admin = kafka.admin();
    await admin.connect();
    // One partition: both calls reach the one worker, in order.
    await createTopicsReady(
      admin,
      Object.values(topics).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    );
    await admin.disconnect();
    worker = startServiceProcess('dsp-worker', {
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      AUDIO_TOPIC: topics.audio,
      FEATURES_TOPIC: topics.features,
      DEADLETTER_TOPIC: topics.deadletter,
      TOPIC_PARTITIONS: '1',
      DSP_GROUP_ID: uniqueName('g.dsp'),
      MAX_CALLS: '1',
    });
    const port = await worker.port;
    await waitFor(
      'dsp-worker ready',
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok,
      60_000,
    );

    const producer = kafka.producer();
    await producer.connect();
    const first = toTelephoneCall(uniqueName('call-a'), syntheticCall(3, 1));
    const second = toTelephoneCall(uniqueName('call-b'), syntheticCall(3, 2));
    await produceCallAudio(producer, topics.audio, first, { final: false });
    await produceCallAudio(producer, topics.audio, second, { final: false });
    await producer.disconnect();

    const raw: Buffer[] = [];
    const letters = await collectTopic(kafka, topics.deadletter, (value) => {
      if (value) raw.push(Buffer.from(value));
      return value ? deadLetterCodec.decode(value) : null;
    });
    try {
      await waitFor('dead letters of the second call', () => letters.records.length >= 10, 60_000);
    } finally {
      await letters.stop();
    }
    const records: DeadLetterRecord[] = letters.records.map((r) => r.value);
    for (const letter of records) {
      expect(letter).toMatchObject({ topic: topics.audio, reasonCode: 'CALL_LIMIT_EXCEEDED' });
      expect(letter.offset).toMatch(/^\d+$/);
      expect(letter.originalValue).toHaveLength(0);
    }
    // Not one 16-byte run of the second call's audio anywhere in the dead-letter bytes.
    const audio = Buffer.from(second.customer);
    for (const value of raw) {
      expect(value.length).toBeLessThan(600); // a 100 ms chunk alone is 800 bytes per channel
      for (let at = 0; at + 16 <= 800; at += 16)
        expect(value.includes(audio.subarray(at, at + 16))).toBe(false);
    }
  });
});
