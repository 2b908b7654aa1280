// Finds a Kafka cluster for tests and local runs, in a fixed order: KAFKA_BROKERS, then a Docker
// engine through Testcontainers, then a local broker assembled from Maven Central. I/O: processes.
import { spawnSync } from 'node:child_process';
import { BrokerUnavailableError, startLocalBroker } from './local-broker.ts';

export type BrokerSource = 'env' | 'testcontainers' | 'local-maven';

export interface FoundBroker {
  readonly source: BrokerSource;
  readonly brokers: string[];
  /** Broker version when known (launched by us); "external" for KAFKA_BROKERS. */
  readonly version: string;
  readonly startMs: number;
  stop(): Promise<void>;
}

/** cp-kafka 8.1 ships Apache Kafka 4.1. */
const TESTCONTAINERS_IMAGE = 'confluentinc/cp-kafka:8.1.0';
const TESTCONTAINERS_KAFKA_VERSION = '4.1';

function dockerWorks(): boolean {
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 10_000,
  });
  return probe.status === 0 && probe.stdout.toString().trim().length > 0;
}

async function startTestcontainer(): Promise<FoundBroker> {
  const started = Date.now();
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(TESTCONTAINERS_IMAGE).withKraft().start();
  return {
    source: 'testcontainers',
    brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`],
    version: TESTCONTAINERS_KAFKA_VERSION,
    startMs: Date.now() - started,
    stop: async () => {
      await container.stop();
    },
  };
}

export function brokersFromEnv(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const brokers = value.split(',').map((broker) => broker.trim());
  for (const broker of brokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) {
      throw new BrokerUnavailableError(`KAFKA_BROKERS entry "${broker}" is not host:port`);
    }
  }
  return brokers;
}

export async function findBroker(env: NodeJS.ProcessEnv = process.env): Promise<FoundBroker> {
  const fromEnv = brokersFromEnv(env.KAFKA_BROKERS);
  if (fromEnv) {
    return { source: 'env', brokers: fromEnv, version: 'external', startMs: 0, stop: async () => undefined };
  }
  const failures: string[] = ['1. KAFKA_BROKERS: not set'];
  if (dockerWorks()) {
    try {
      return await startTestcontainer();
    } catch (error) {
      failures.push(`2. Docker + Testcontainers: ${(error as Error).message}`);
    }
  } else {
    failures.push('2. Docker + Testcontainers: no working Docker engine (`docker info` failed)');
  }
  try {
    const local = await startLocalBroker();
    return { source: 'local-maven', ...local, stop: local.stop };
  } catch (error) {
    failures.push(`3. local Kafka from Maven Central jars: ${(error as Error).message}`);
  }
  throw new BrokerUnavailableError(
    `no Kafka broker could be found or started; tried:\n${failures.join('\n')}`,
  );
}
