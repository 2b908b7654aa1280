// Over a real broker: records that retention deletes before a rebuilding consumer fetched them
// must not keep it "not ready" for good (the revocation feed and the alert fan-out count a
// partition as read once its first offset passes where its log ended at their start).
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCatchUp } from '../../../services/shared/catch-up.ts';
import { watchLogStarts } from '../../../services/shared/catch-up-watch.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';

describe('catch-up of a log whose records expire', () => {
  it('is done once the deleted records leave nothing to read', async () => {
    const kafka = testKafka();
    const topic = uniqueName('t.expire');
    await createTestTopics(kafka, [topic], 1);
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const catchUp = createCatchUp();
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      catchUp.begins(topic, partition, low);
      catchUp.endsAt(topic, partition, high);
    }
    expect(catchUp.done()).toBe(false);
    // Retention (here: an explicit delete) takes every record before any consumer read one.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
    const watch = watchLogStarts(kafka, [topic], catchUp, 100);
    onTestFinished(() => watch.stop());
    await waitFor('the catch-up to count the emptied partition as read', () => catchUp.done(), 10_000, 50);
  }, 60_000);
});
