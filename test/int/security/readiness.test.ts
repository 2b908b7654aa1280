// Against real components: /readyz says "not ready: starting" until the service's start is
// complete (it said ready while the broker was unreachable); /readyz of a Kafka service turns 503 naming
// `kafka-broker` once its broker is gone (kafkajs never reported it: DISCONNECT fires only on
// disconnect()); the broker probe answers false for a closed port; the database probe of the
// call store answers false once its database is closed; and a service's producer is idempotent
// (its records carry a producer id, which a plain producer leaves at -1).
import { createServer } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startLocalBroker, type LocalBroker } from '../../../devkit/kafka/local-broker.ts';
import { openCallStore } from '../../../services/call-store/store.ts';
import { startBrokerProbe } from '../../../services/shared/broker-probe.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { startPeriodicProbe } from '../../../services/shared/periodic-probe.ts';
import { bootService, type CommonConfig } from '../../../services/shared/service-base.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';

const config = (brokers: string[]): CommonConfig => ({
  KAFKA_BROKERS: brokers,
  HTTP_PORT: 0,
  LOG_LEVEL: 'error',
  TOPIC_PARTITIONS: 1,
  topicReplication: { replicationFactor: 1, minInsyncReplicas: 1 },
  AUDIO_RETENTION_MS: 3_600_000,
  EVENT_RETENTION_MS: 3_600_000,
});
const logger = createLogger({ service: 'readiness-test', level: 'error' });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const readyz = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.text() };
};

describe('readiness follows the broker', () => {
  let broker: LocalBroker | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it('answers 503 naming kafka-broker within seconds of the broker going away', async () => {
    // A broker of its own: the shared one serves the other tests.
    broker = await startLocalBroker();
    const topic = uniqueName('readiness');
    const base = await bootService({
      service: 'readiness-test',
      config: config(broker.brokers),
      topics: [topic],
      handleSignals: false,
      logger,
      brokerProbeIntervalMs: 300,
    });
    // The ingest gateway's kind: it answers calls itself in an outage, so it stays ready.
    const gatewayLike = await bootService({
      service: 'readiness-test-gateway',
      config: config(broker.brokers),
      topics: [topic],
      handleSignals: false,
      logger,
      brokerProbeIntervalMs: 300,
      brokerReadiness: false,
    });
    try {
      expect(await readyz(base.ops.port)).toEqual({ status: 503, body: 'not ready: starting\n' });
      base.markStarted();
      gatewayLike.markStarted();
      expect(await readyz(base.ops.port)).toEqual({ status: 200, body: 'ready\n' });
      await broker.stop();
      broker = undefined;
      const deadline = Date.now() + 15_000;
      let last = await readyz(base.ops.port);
      while (last.status === 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        last = await readyz(base.ops.port);
      }
      expect(last).toEqual({ status: 503, body: 'not ready: kafka-broker\n' });
      expect(await readyz(gatewayLike.ops.port)).toEqual({ status: 200, body: 'ready\n' });
    } finally {
      await base.shutdown.run('test done');
      await gatewayLike.shutdown.run('test done');
    }
  }, 90_000);

  it('answers "not ready: starting" while the broker cannot be reached at start, and frees its port when the start fails', async () => {
    const httpPort = await closedPort();
    const boot = bootService({
      service: 'readiness-unreachable',
      config: { ...config([`127.0.0.1:${await closedPort()}`]), HTTP_PORT: httpPort },
      topics: [uniqueName('never')],
      handleSignals: false,
      logger,
    });
    const failed = boot.then(
      () => 'started',
      (error: unknown) => (error as Error).name,
    );
    await expect
      .poll(() => readyz(httpPort).catch(() => null), { timeout: 10_000 })
      .toEqual({ status: 503, body: 'not ready: starting\n' });
    expect(await failed).not.toBe('started');
    await expect(readyz(httpPort)).rejects.toThrow(); // the port is closed again
  }, 90_000);

  it('a probe pointed at a closed port answers not ready; on a live broker, ready', async () => {
    const down = startBrokerProbe(
      createKafka({ clientId: 'probe-down', brokers: [`127.0.0.1:${await closedPort()}`] }),
      { initiallyReady: true },
    );
    const up = startBrokerProbe(createKafka({ clientId: 'probe-up', brokers: inject('kafkaBrokers') }));
    try {
      expect(await down.probe()).toBe(false);
      expect(down.ready()).toBe(false);
      expect(await up.probe()).toBe(true);
      expect(up.ready()).toBe(true);
    } finally {
      await Promise.all([down.stop(), up.stop()]);
    }
  });
});

describe('readiness follows the call store database', () => {
  it('answers not ready once the database no longer answers', async () => {
    const store = await openCallStore({});
    const database = startPeriodicProbe(() => store.backend.query('SELECT 1'), { intervalMs: 60_000 });
    try {
      expect(await database.probe()).toBe(true);
      await store.close();
      expect(await database.probe()).toBe(false);
      expect(database.ready()).toBe(false);
    } finally {
      await database.stop();
    }
  });

  it('a probe that never answers counts as a failure after its deadline', async () => {
    const hung = startPeriodicProbe(() => new Promise(() => undefined), {
      timeoutMs: 200,
      initiallyReady: true,
    });
    const started = Date.now();
    expect(await hung.probe()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    await hung.stop();
  });
});

describe('producers are idempotent', () => {
  it("a service's records carry a producer id (idempotent), not -1", async () => {
    const topic = uniqueName('idempotent');
    const base = await bootService({
      service: 'idempotent-test',
      config: config(inject('kafkaBrokers')),
      topics: [topic],
      handleSignals: false,
      logger,
    });
    const reader = testKafka().consumer({ groupId: uniqueName('idem-reader'), maxWaitTimeInMs: 100 });
    try {
      await base.producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      await reader.connect();
      await reader.subscribe({ topic, fromBeginning: true });
      const producerId = await new Promise<string>((resolve) => {
        void reader.run({
          eachMessage: async ({ message }) =>
            resolve(String((message as { batchContext?: { producerId?: string } }).batchContext?.producerId)),
        });
      });
      expect(producerId).not.toBe('-1');
      expect(Number(producerId)).toBeGreaterThanOrEqual(0);
    } finally {
      await reader.disconnect();
      await base.shutdown.run('test done');
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
