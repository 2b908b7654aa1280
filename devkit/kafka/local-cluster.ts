// Starts a 3-node Apache Kafka 4.1 KRaft cluster from the same Maven jars as local-broker.ts:
// three combined broker + controller JVMs on free loopback ports, one cluster id, a static
// controller quorum of all three, internal topics with 3 copies and min.insync.replicas 2. Each
// node can be SIGKILLed and started again on its data (the fault bench, the cluster tests).
// I/O: spawns java, writes a temp dir per cluster.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  BrokerUnavailableError,
  ensureKafkaLibs,
  formatStorage,
  freePort,
  lostItsPort,
  newClusterId,
  runJava,
  serverProperties,
  waitUntilReady,
  type LocalBroker,
  type NodeSpec,
} from './local-broker.ts';

/** Copies of every topic on the cluster, and how many must hold a record before acks=all answers. */
export const CLUSTER_REPLICATION = { replicationFactor: 3, minInsyncReplicas: 2 } as const;

export interface ClusterNode {
  readonly nodeId: number;
  /** host:port of its PLAINTEXT listener. */
  readonly address: string;
  running(): boolean;
  pid(): number | undefined;
  /** Kills the JVM (SIGKILL by default: a crash, no controlled shutdown); resolves when gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on its own data; resolves when the cluster lists it as a broker again. */
  restart(): Promise<void>;
}

export interface LocalCluster extends LocalBroker {
  readonly clusterId: string;
  readonly nodes: readonly ClusterNode[];
}

export interface LocalClusterOptions {
  /** Nodes (default 3; at least 3 for replication factor 3). */
  size?: number;
  readyTimeoutMs?: number;
  /** Max heap per JVM (default 384m: three brokers share a 2-core development machine). */
  heap?: string;
}

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const started = Date.now();
  ensureKafkaLibs();
  for (let attempt = 1; ; attempt++) {
    try {
      const cluster = await startOnce(options);
      return { ...cluster, startMs: Date.now() - started };
    } catch (error) {
      if (attempt >= 3 || !lostItsPort(error)) throw error;
    }
  }
}

/** One JVM of the cluster: its process, its output tail, and why it last exited. */
function nodeProcess(propertiesFile: string, cwd: string, heap: string) {
  let child: ChildProcess | null = null;
  let output = '';
  let exitReason: string | null = null;
  let version = 'unknown';
  const launch = (): void => {
    exitReason = null;
    output = '';
    const current = runJava(['kafka.Kafka', propertiesFile], cwd, { min: '128m', max: heap });
    child = current;
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-16_000);
      const match = /Kafka version: (\S+)/.exec(text);
      if (match) version = match[1];
    };
    current.stdout?.on('data', collect);
    current.stderr?.on('data', collect);
    current.once('exit', (code, signal) => {
      exitReason = `code ${code ?? 'none'}, signal ${signal ?? 'none'}\n${output.slice(-4000)}`;
    });
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child as ChildProcess | null;
    if (current === null || exitReason !== null) return;
    const gone = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await gone;
  };
  return {
    launch,
    kill,
    exited: () => exitReason,
    running: () => child !== null && exitReason === null,
    pid: () => (child as ChildProcess | null)?.pid,
    version: () => version,
  };
}

async function startOnce(options: LocalClusterOptions): Promise<LocalCluster> {
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < CLUSTER_REPLICATION.replicationFactor) {
    throw new BrokerUnavailableError(`a local cluster needs at least 3 nodes (got ${size})`);
  }
  const heap = options.heap ?? '384m';
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'va-kafka-cluster-'));
  const specs: NodeSpec[] = [];
  for (let nodeId = 1; nodeId <= size; nodeId++) {
    specs.push({ nodeId, port: await freePort(), controllerPort: await freePort() });
  }
  const clusterId = newClusterId();
  const procs = specs.map((spec) => {
    const nodeDir = join(dataDir, `node-${spec.nodeId}`);
    mkdirSync(nodeDir, { recursive: true });
    const propertiesFile = join(nodeDir, 'server.properties');
    writeFileSync(
      propertiesFile,
      serverProperties(
        nodeDir,
        spec,
        specs,
        CLUSTER_REPLICATION.replicationFactor,
        CLUSTER_REPLICATION.minInsyncReplicas,
      ),
    );
    return { spec, propertiesFile, nodeDir, proc: nodeProcess(propertiesFile, nodeDir, heap) };
  });
  // However the launching process ends, the JVMs and their data go with it.
  const reap = (): void => {
    for (const { proc } of procs) if (proc.running()) process.kill(proc.pid() as number, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', reap);
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map(({ proc }) => proc.kill('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', reap);
  };

  const brokers = specs.map((spec) => `127.0.0.1:${spec.port}`);
  try {
    for (const { propertiesFile } of procs) {
      const formatError = formatStorage(propertiesFile, clusterId);
      if (formatError !== null) throw new BrokerUnavailableError(formatError);
    }
    for (const { proc } of procs) proc.launch();
    const anyExited = (): string | null =>
      procs.map(({ proc }) => proc.exited()).find((e) => e !== null) ?? null;
    await waitUntilReady(brokers, clusterId, Date.now() + readyTimeoutMs, anyExited, size);
  } catch (error) {
    await stop();
    throw error;
  }

  const nodes: ClusterNode[] = procs.map(({ spec, proc }) => ({
    nodeId: spec.nodeId,
    address: `127.0.0.1:${spec.port}`,
    running: proc.running,
    pid: proc.pid,
    kill: (signal = 'SIGKILL') => proc.kill(signal),
    async restart() {
      if (proc.running()) return;
      proc.launch();
      await waitUntilListed(`127.0.0.1:${spec.port}`, spec.nodeId, Date.now() + readyTimeoutMs, proc.exited);
    },
  }));
  return { brokers, clusterId, nodes, version: procs[0].proc.version(), startMs: 0, stop };
}

/**
 * Polls the restarted node itself (not the others: they still list a killed node until its
 * session times out) until it answers metadata listing itself as a broker.
 */
async function waitUntilListed(
  address: string,
  nodeId: number,
  deadline: number,
  exited: () => string | null,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'va-launcher',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      const exit = exited();
      if (exit !== null)
        throw new BrokerUnavailableError(`Kafka node ${nodeId} exited during restart: ${exit}`);
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.some((broker) => broker.nodeId === nodeId)) return;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  throw new BrokerUnavailableError(`Kafka node ${nodeId} did not rejoin in time`, { cause: lastError });
}
