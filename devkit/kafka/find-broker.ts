// Finds a Kafka cluster for tests and local runs, in a fixed order: KAFKA_BROKERS, then a Docker
// engine through Testcontainers, then a local broker assembled from Maven Central. KAFKA_CLUSTER=3
// starts a local 3-node KRaft cluster instead (local-cluster.ts). I/O: processes.
import { spawnSync } from 'node:child_process';
import { BrokerUnavailableError, startLocalBroker } from './local-broker.ts';
import { CLUSTER_REPLICATION, startLocalCluster, type LocalCluster } from './local-cluster.ts';

export type BrokerSource = 'env' | 'testcontainers' | 'local-maven' | 'local-cluster';

export interface FoundBroker {
  readonly source: BrokerSource;
  readonly brokers: string[];
  /** Broker version when known (launched by us); "external" for KAFKA_BROKERS. */
  readonly version: string;
  readonly startMs: number;
  /** Copies of each topic the cluster can keep: 1 on one broker, 3 (min in sync 2) on the cluster. */
  readonly replication: { replicationFactor: number; minInsyncReplicas: number };
  /** The nodes, when this is a local cluster we started (fault injection). */
  readonly cluster?: LocalCluster;
  stop(): Promise<void>;
}

const SINGLE_NODE = { replicationFactor: 1, minInsyncReplicas: 1 };

/** KAFKA_CLUSTER: unset or 1 = one broker (the fast default), 3 = a local 3-node KRaft cluster. */
export function clusterSizeFromEnv(value: string | undefined): 1 | 3 {
  if (value === undefined || value.trim() === '' || value.trim() === '1') return 1;
  if (value.trim() === '3') return 3;
  throw new BrokerUnavailableError(`KAFKA_CLUSTER must be 1 or 3 (got "${value}")`);
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
    replication: SINGLE_NODE,
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
    // An external cluster: its size is the operator's; KAFKA_CLUSTER=3 says it has three brokers.
    const replication = clusterSizeFromEnv(env.KAFKA_CLUSTER) === 3 ? CLUSTER_REPLICATION : SINGLE_NODE;
    return {
      source: 'env',
      brokers: fromEnv,
      version: 'external',
      startMs: 0,
      replication,
      stop: async () => undefined,
    };
  }
  if (clusterSizeFromEnv(env.KAFKA_CLUSTER) === 3) {
    const cluster = await startLocalCluster();
    return { source: 'local-cluster', ...cluster, replication: CLUSTER_REPLICATION, cluster };
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
    return { source: 'local-maven', ...local, replication: SINGLE_NODE, stop: local.stop };
  } catch (error) {
    failures.push(`3. local Kafka from Maven Central jars: ${(error as Error).message}`);
  }
  throw new BrokerUnavailableError(
    `no Kafka broker could be found or started; tried:\n${failures.join('\n')}`,
  );
}
