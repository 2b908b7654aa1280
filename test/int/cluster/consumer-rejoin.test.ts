// The shared consumer runner when kafkajs 2.2.4 rejoins its group from inside one fetcher's fetch
// (a broker answering that it no longer leads a partition: consumer/consumerGroup.js
// recoverFromFetch -> joinAndSync) while a batch of another partition is still being handled.
// The runner revokes every partition there (the workers drop their per-call state); the batch in
// hand must stop, so the partition is read again from its commit and the state is rebuilt. Going on
// resolved the batch into kafkajs' new offset manager, which then read on from there: the audio the
// dropped windows still needed was never read again (bench:faults lost windows after a broker loss).
// On a 3-node KRaft cluster (devkit/kafka/local-cluster.ts): leaders of other partitions must move.
import type { Producer } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConsumerRunner } from '../../../services/shared/consumer-runner.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { uniqueName } from '../../support/kafka.ts';
import { createPlacedTopic, testAdmin, useLocalCluster } from './helpers.ts';

describe('consumer runner, group rejoined while a batch is in hand', () => {
  const started = useLocalCluster('rejoin-test');

  it('stops the batch and reads its partition again from the commit', async () => {
    const input = uniqueName('t.rejoin');
    const admin = await testAdmin(started().kafka);
    // Partition 0 led by node 1, partition 1 by node 2: two fetchers.
    await createPlacedTopic(admin, input, [
      [1, 2, 3],
      [2, 3, 1],
    ]);
    const producer: Producer = started().kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const send = (partition: number, count: number) =>
      producer.send({
        topic: input,
        messages: Array.from({ length: count }, () => ({ partition, key: `c${partition}`, value: 'x' })),
      });
    await send(0, 5);
    await send(1, 5);

    const events: string[] = [];
    let gate: Promise<void> | null = null;
    let release = (): void => undefined;
    let held = false;
    const runner = createConsumerRunner({
      kafka: started().kafka,
      producer,
      service: 'rejoin-test',
      groupId: uniqueName('g'),
      topics: [input],
      logger: createLogger({ service: 'rejoin-test', write: () => undefined }),
      decode: (value) => value?.toString() ?? '',
      // Partition 0's record 5 is handled slowly: the rejoin comes meanwhile.
      handle: async (record) => {
        events.push(`${record.partition}:${record.offset}`);
        if (gate && record.partition === 0 && record.offset === '5') {
          held = true;
          await gate;
        }
        return [];
      },
      // Like a dsp-worker whose windows still need the call's first record: the commit stays at 0.
      commitOffset: () => '0',
      partitionsConsumedConcurrently: 2,
      onRevoked: () => void events.push('revoked'),
    });
    await runner.start();
    onTestFinished(() => runner.stop());
    const seen = (id: string) => events.includes(id);
    await expect.poll(() => seen('0:4') && seen('1:4'), { timeout: 60_000 }).toBe(true);

    gate = new Promise<void>((resolve) => (release = resolve));
    await send(0, 5);
    await expect.poll(() => held, { timeout: 30_000 }).toBe(true);
    const revokedBefore = events.filter((e) => e === 'revoked').length;
    // Node 2 stops hosting partition 1: its fetcher is answered "not the leader" and kafkajs rejoins.
    await admin.alterPartitionReassignments({
      topics: [{ topic: input, partitionAssignment: [{ partition: 1, replicas: [3, 1] }] }],
    });
    await expect
      .poll(() => events.filter((e) => e === 'revoked').length, { timeout: 60_000 })
      .toBeGreaterThan(revokedBefore);
    const releasedAt = events.length;
    release();

    // Read again from the commit (0), not on from the batch in hand (6), and nothing skipped.
    await expect.poll(() => events.slice(releasedAt).includes('0:9'), { timeout: 60_000 }).toBe(true);
    const after = events.slice(releasedAt).filter((e) => e.startsWith('0:'));
    expect(after[0]).toBe('0:0');
    for (let offset = 0; offset < 10; offset += 1) expect(after).toContain(`0:${offset}`);
  });
});
