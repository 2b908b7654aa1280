// The alert-service as a child process for the benches: a broker with the bench's own topics and
// a producer, the service started on chosen ports (ready once its /readyz says so), logged in to
// with the demo users, stopped gracefully (SIGTERM, then SIGKILL after 10 s), then the topics and
// the broker. Its log lines go to stderr: a bench's stdout carries its one JSON object.
// I/O: processes, HTTP, Kafka.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { findBroker } from '../../devkit/kafka/find-broker.ts';
import { createKafka } from '../../services/shared/kafka-client.ts';
import { waitForLeaders } from '../../services/shared/topics.ts';
import { waitFor } from '../../services/shared/wait-for.ts';

export interface AlertBench {
  kafka: Kafka;
  producer: Producer;
  prefix: string;
  topics: { calls: string; emotions: string; features: string; alerts: string; dl: string };
  /** The service's environment for this broker and these topics. */
  env: Record<string, string>;
  /** Deletes the topics, disconnects, stops the broker (after the service has stopped). */
  close(): Promise<void>;
}

/** A broker (devkit/kafka/find-broker.ts), six-partition topics of the bench's own, a producer. */
export async function startAlertBench(clientId: string): Promise<AlertBench> {
  const broker = await findBroker();
  const prefix = `bench.${randomUUID().slice(0, 8)}`;
  const topics = {
    calls: `${prefix}.calls`,
    emotions: `${prefix}.emotions`,
    features: `${prefix}.features`,
    alerts: `${prefix}.alerts`,
    dl: `${prefix}.dl`,
    erasures: `${prefix}.erasures`,
  };
  const kafka = createKafka({ clientId, brokers: broker.brokers });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({
      topic,
      numPartitions: 6,
      replicationFactor: broker.replication.replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: String(broker.replication.minInsyncReplicas) }],
    })),
    // Awaited below: kafkajs' own wait gives up on a loaded broker's "does not host this topic-partition".
    waitForLeaders: false,
  });
  await waitForLeaders(admin, Object.values(topics));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const env = {
    KAFKA_BROKERS: broker.brokers.join(','),
    TOPIC_REPLICATION_FACTOR: String(broker.replication.replicationFactor),
    TOPIC_MIN_INSYNC_REPLICAS: String(broker.replication.minInsyncReplicas),
    ALERT_GROUP_ID: `${prefix}.eval`,
    CALLS_TOPIC: topics.calls,
    EMOTIONS_TOPIC: topics.emotions,
    FEATURES_TOPIC: topics.features,
    ALERTS_TOPIC: topics.alerts,
    DEADLETTER_TOPIC: topics.dl,
    ERASURES_TOPIC: topics.erasures,
  };
  return {
    kafka,
    producer,
    prefix,
    topics,
    env,
    async close() {
      await producer.disconnect();
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
      await broker.stop();
    },
  };
}

/** Starts the service on `env` (HTTP_PORT and ALERT_PORT set); resolves once /readyz says ready. */
export async function startAlertServiceProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('sh', ['scripts/node24.sh', 'services/alert-service/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const ready = async (): Promise<boolean> => {
    if (exited !== null) throw new Error(`alert-service exited with ${exited}`);
    const response = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/readyz`).catch(() => null);
    return response?.status === 200;
  };
  await waitFor('the alert service to be ready', ready, 120_000, 100);
  return { child, port: Number(env.ALERT_PORT) };
}

/** SIGTERM (graceful), SIGKILL after 10 s; resolves when the process is gone. */
export async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A page token of a demo user (password demo1234). */
export async function demoLogin(port: number, username: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo1234' }),
  });
  if (!response.ok) throw new Error(`login ${username}: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
