// A real dsp-worker process on its own one-partition topics (audio, features, dead letters), for
// the security tests that feed it records straight through Kafka. One partition: every record
// reaches the one worker, in the order produced. Cleaned up when the test file ends.
// I/O: Kafka topics and a child process.
import type { Kafka } from 'kafkajs';
import { afterAll, inject } from 'vitest';
import {
  createTopicsReady,
  startServiceProcess,
  type ServiceProcess,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';

export interface DspWorkerFixture {
  topics: { audio: string; features: string; deadletter: string };
  worker: ServiceProcess;
}

/** Creates the topics, starts the worker with `env` on top, and waits until it is ready. */
export async function startDspWorker(
  kafka: Kafka,
  env: Record<string, string> = {},
): Promise<DspWorkerFixture> {
  const topics = {
    audio: uniqueName('t.audio'),
    features: uniqueName('t.features'),
    deadletter: uniqueName('t.dlq'),
  };
  const started: ServiceProcess[] = [];
  afterAll(async () => {
    for (const process of started) await process.stop('SIGKILL');
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(
    admin,
    Object.values(topics).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
  );
  await admin.disconnect();
  const worker = startServiceProcess('dsp-worker', {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    AUDIO_TOPIC: topics.audio,
    FEATURES_TOPIC: topics.features,
    DEADLETTER_TOPIC: topics.deadletter,
    TOPIC_PARTITIONS: '1',
    DSP_GROUP_ID: uniqueName('g.dsp'),
    ...env,
  });
  started.push(worker);
  const port = await worker.port;
  await waitFor(
    'dsp-worker ready',
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok,
    60_000,
  );
  return { topics, worker };
}
