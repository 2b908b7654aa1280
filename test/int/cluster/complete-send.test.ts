// A produce to two partitions when one of them has just moved its leader to the broker that holds
// the other (a broker lost mid-send, in bench:faults): kafkajs 2.2.4 retries the failed request
// only to brokers that have not answered yet, so the moved partition's record is never sent while
// sendBatch succeeds (tulios/kafkajs#1303). The services' producer (complete-send.ts) fails such a
// send instead, and sending again writes the record. On a 3-node KRaft cluster.
import type { Message, Producer } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createMessagePlacement,
  IncompleteSendError,
  withCompleteSends,
} from '../../../services/shared/complete-send.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import { createPlacedTopic, testAdmin, useLocalCluster } from './helpers.ts';

describe('a send whose partition moved to a broker that already answered', () => {
  const started = useLocalCluster('complete-send-test');

  /**
   * A topic whose partition 0 is led by node 1 and partition 1 by node 2, a record in each (so the
   * producer's metadata knows those leaders); then partition 1 is moved off node 2, to node 1.
   */
  async function movedUnder(
    producer: Producer,
  ): Promise<{ topic: string; highOf: (p: number) => Promise<string> }> {
    const topic = uniqueName('t.moved');
    const admin = await testAdmin(started().kafka);
    await createPlacedTopic(admin, topic, [
      [1, 2, 3],
      [2, 1, 3],
    ]);
    await producer.sendBatch({ topicMessages: [{ topic, messages: batch() }] });
    await admin.alterPartitionReassignments({
      topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [1, 3] }] }],
    });
    await waitFor(
      'partition 1 to be led by node 1 without node 2',
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const p1 = topics[0].partitions.find((p) => p.partitionId === 1);
        const { topics: moving } = await admin.listPartitionReassignments({
          topics: [{ topic, partitions: [1] }],
        });
        return p1?.leader === 1 && !p1.replicas.includes(2) && moving.length === 0;
      },
      60_000,
      250,
    );
    const highOf = async (partition: number) =>
      (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)?.high ?? '';
    return { topic, highOf };
  }

  const batch = (): Message[] => [
    { partition: 0, key: 'a', value: 'to node 1' },
    { partition: 1, key: 'b', value: 'to node 2, moved to node 1' },
  ];

  async function idempotentProducer(wrap: (p: Producer) => Producer, placement = createMessagePlacement()) {
    const producer = wrap(
      started().kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: placement.partitioner(),
      }),
    );
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    return producer;
  }

  it('kafkajs 2.2.4 alone reports the send done and never writes the moved partition', async () => {
    const producer = await idempotentProducer((p) => p);
    const { topic, highOf } = await movedUnder(producer);
    const acknowledged = await producer.sendBatch({ topicMessages: [{ topic, messages: batch() }] });
    expect(acknowledged.map((m) => m.partition)).toEqual([0]);
    expect(await highOf(0)).toBe('2');
    expect(await highOf(1)).toBe('1');
  });

  it("the services' producer fails the send, and sending again writes it", async () => {
    const placement = createMessagePlacement();
    const producer = await idempotentProducer((p) => withCompleteSends(p, placement), placement);
    const { topic, highOf } = await movedUnder(producer);
    const error = await producer.sendBatch({ topicMessages: [{ topic, messages: batch() }] }).catch((e) => e);
    expect(error).toBeInstanceOf(IncompleteSendError);
    expect(error).toMatchObject({ code: 'INCOMPLETE_SEND', topic, partition: 1 });
    await producer.sendBatch({ topicMessages: [{ topic, messages: batch() }] });
    expect(await highOf(1)).toBe('2');
  });
});
