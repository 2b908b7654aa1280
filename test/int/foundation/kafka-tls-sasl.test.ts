// The services' Kafka TLS and SASL settings (services/shared/kafka-security.ts) against a real
// broker with a SASL_SSL listener (devkit/kafka/secure-listener.ts: a self-signed certificate and
// SASL/PLAIN users): the topic provisioner, run as operators run it, creates the product's topics
// over TLS with a SASL user, and a record goes through; a wrong password or an untrusted
// certificate is refused. Until now these settings were tested by their parsing only.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBroker, type LocalBroker } from '../../../devkit/kafka/local-broker.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';
import { kafkaSecurityOf } from '../../../services/shared/kafka-security.ts';
import { TOPICS } from '../../../services/shared/topics.ts';

const PASSWORD = 'sasl-user-password-for-this-test-only';
let broker: LocalBroker;
let secure: NonNullable<LocalBroker['secure']>;

beforeAll(async () => {
  broker = await startLocalBroker({ secure: { users: { va: PASSWORD } } });
  secure = broker.secure!;
}, 120_000);
afterAll(() => broker?.stop());

const envFor = (password: string, caFile?: string) => ({
  KAFKA_BROKERS: secure.brokers.join(','),
  KAFKA_SSL: 'true',
  ...(caFile ? { KAFKA_SSL_CA_FILE: caFile } : {}),
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: 'va',
  KAFKA_SASL_PASSWORD: password,
});

const provision = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['services/shared/provision-main.ts'], {
    env: { PATH: process.env.PATH, TOPIC_PARTITIONS: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('Kafka over TLS with a SASL user', () => {
  it('provisions the topics and carries a record, with the CA and the password the settings name', async () => {
    const run = provision(envFor(PASSWORD, secure.caFile));
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ msg: 'topics provisioned' });

    const kafka = createKafka({
      clientId: 'tls-test',
      brokers: secure.brokers,
      security: kafkaSecurityOf(envFor(PASSWORD, secure.caFile)).security,
    });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'tls-test', maxWaitTimeInMs: 100 });
    await producer.connect();
    await consumer.connect();
    try {
      await producer.send({ topic: TOPICS.calls, messages: [{ key: 'demo/call-1', value: 'over TLS' }] });
      await consumer.subscribe({ topics: [TOPICS.calls], fromBeginning: true });
      const got = new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      expect(await got).toBe('over TLS');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  it('is refused with a wrong password, or when the certificate is not trusted: one line, its code, exit 2', () => {
    for (const [env, code] of [
      [envFor('not-the-password', secure.caFile), 'KAFKA_AUTH_FAILED'],
      [envFor(PASSWORD), 'KAFKA_TLS_FAILED'],
    ] as const) {
      const run = provision(env);
      expect(run.status).toBe(2);
      expect(run.stdout).not.toContain('topics provisioned');
      const last = JSON.parse(run.stderr.trim().split('\n').pop()!);
      expect(last).toMatchObject({ level: 'error', service: 'va-provision', code });
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // Never the password in what it prints.
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      expect(run.stdout + run.stderr).not.toContain('not-the-password');
    }
  });
});
