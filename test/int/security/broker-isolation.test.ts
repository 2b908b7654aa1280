// Two checkouts running their tests at once each start a local broker. A port picked free can be
// taken by the other run before Kafka binds it; the launcher must then not hand out the other
// run's broker (its cluster id differs) but start again on fresh ports.
import type { Kafka } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { startLocalBroker } from '../../../devkit/kafka/local-broker.ts';
import { freePort } from '../../../devkit/free-port.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';

async function clusterIdOf(kafka: Kafka): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

describe('local broker launcher', () => {
  it('never answers with another run’s broker when its picked port is already taken', async () => {
    const foreign = inject('kafkaBrokers');
    const foreignCluster = await clusterIdOf(createKafka({ clientId: 'va-test', brokers: foreign }));

    // The first pick returns the running broker's port, as if it had been free when picked.
    let picks = 0;
    const pickPort = async (): Promise<number> =>
      picks++ === 0 ? Number(foreign[0].split(':')[1]) : freePort();
    const ours = await startLocalBroker({ pickPort });
    try {
      expect(ours.brokers).not.toEqual(foreign);
      const ownCluster = await clusterIdOf(createKafka({ clientId: 'va-test', brokers: ours.brokers }));
      expect(ownCluster).not.toBe(foreignCluster);
    } finally {
      await ours.stop();
    }
  });
});
