// Against a real dsp-worker process and broker: with MAX_CALLS=1 every audio
// chunk of a second call is dead-lettered (CALL_LIMIT_EXCEEDED). Dead letters are kept 7 days;
// audio may only transit (1 h). So each dead letter carries the reason and the coordinates of
// the record, and not one byte of its audio.
import { describe, expect, it } from 'vitest';
import { collectTopic, produceCallAudio, toTelephoneCall } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { deadLetterCodec, type DeadLetterRecord } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { startDspWorker } from './dsp-worker-fixture.ts';

const kafka = testKafka('va-test-dlq-audio');

describe('dead letters', () => {
  it('carry no audio bytes when a worker over MAX_CALLS rejects a call', async () => {
    // Both calls reach the one worker, in order.
    const { topics } = await startDspWorker(kafka, { MAX_CALLS: '1' });

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
