// Starts a single-node Apache Kafka 4.1 broker (KRaft, combined broker + controller) from the jars
// that devkit/kafka/pom.xml assembles from Maven Central. I/O: spawns java/mvn, writes a temp dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createSecureListener, type SecureListener, type SecureListenerOptions } from './secure-listener.ts';

export const kafkaDir = dirname(fileURLToPath(import.meta.url));
export const libsDir = join(kafkaDir, 'libs');
const stampFile = join(kafkaDir, '.libs-stamp');

export interface LocalBroker {
  readonly brokers: string[];
  readonly version: string;
  readonly startMs: number;
  /** With LocalBrokerOptions.secure: the SASL_SSL listener and the CA file that verifies it. */
  readonly secure?: { brokers: string[]; caFile: string };
  stop(): Promise<void>;
}

export class BrokerUnavailableError extends Error {
  readonly code = 'BROKER_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}

/** Our broker's port answered with another cluster: start again on fresh ports. */
export class BrokerPortTakenError extends BrokerUnavailableError {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerPortTakenError';
  }
}

/** A broker that lost its port to another process at bind time ("Address already in use"). */
export function lostItsPort(error: unknown): boolean {
  return (
    error instanceof BrokerPortTakenError ||
    (error instanceof BrokerUnavailableError && /Address already in use|BindException/.test(error.message))
  );
}

function requireTool(command: string, args: string[], hint: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new BrokerUnavailableError(`${command} is not available (${hint})`);
  }
}

/** Fills devkit/kafka/libs once; cached by a hash of pom.xml. */
export function ensureKafkaLibs(): void {
  const pomHash = createHash('sha256')
    .update(readFileSync(join(kafkaDir, 'pom.xml')))
    .digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === pomHash) return;
  requireTool('java', ['-version'], 'install Java 17+, e.g. apt-get install openjdk-17-jre-headless');
  requireTool('mvn', ['-v'], 'install Maven, e.g. apt-get install maven');
  rmSync(libsDir, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libsDir}`],
    { cwd: kafkaDir, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new BrokerUnavailableError(
      `mvn could not assemble the Kafka jars:\n${result.stdout}${result.stderr}`,
    );
  }
  writeFileSync(stampFile, pomHash);
}

/** Ports this process handed out already: the kernel may give one again once it is closed. */
const handedOut = new Set<number>();

/**
 * A port free now and not handed out before by this process. Callers bind it later, so two
 * callers given the same port (a pipeline's gateway and one of its workers) would collide, and the
 * loser's readiness probe would be answered by the winner.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A KRaft cluster id is 16 random bytes in URL-safe base64 without padding: 22 characters. */
export function newClusterId(): string {
  // kafka-storage reads an id starting with '-' as an option ("--cluster-id: expected one
  // argument"): about 1 start in 64 failed that way. Draw again until it does not.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** One combined broker + controller of a KRaft cluster on loopback ports. */
export interface NodeSpec {
  nodeId: number;
  port: number;
  controllerPort: number;
}

/**
 * server.properties of one combined node: `voters` lists every controller of the quorum (one for
 * the single broker, three for local-cluster.ts); internal topics get `replicas` copies with
 * `minIsr` in sync (replicas 1 on one node).
 */
export function serverProperties(
  dataDir: string,
  node: NodeSpec,
  voters: readonly NodeSpec[],
  replicas = 1,
  minIsr = 1,
  secure?: { port: number; listener: SecureListener },
): string {
  const extra = secure ? `,SASL_SSL://127.0.0.1:${secure.port}` : '';
  return [
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${voters.map((v) => `${v.nodeId}@127.0.0.1:${v.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}${extra}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}${extra}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(secure ? secure.listener.properties(secure.port) : []),
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=4',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    'group.initial.rebalance.delay.ms=0',
    // Small heap: the cleaner's dedupe buffer defaults to 128 MiB, too much for -Xmx512m.
    'log.cleaner.dedupe.buffer.size=4194304',
    'log.retention.check.interval.ms=60000',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

export function runJava(args: string[], cwd: string, heap = { min: '256m', max: '512m' }): ChildProcess {
  return spawn(
    'java',
    [
      `-Xms${heap.min}`,
      `-Xmx${heap.max}`,
      // A development broker sharing a small machine with the services it serves: C1 only (the
      // C2 compiler otherwise spends the first minute of load compiling, ~0.1-0.2 core on
      // 2 cores, for code whose work here is light) and the serial collector (no GC threads).
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Dlog4j2.configurationFile=${join(kafkaDir, 'log4j2.properties')}`,
      '-cp',
      `${libsDir}/*`,
      ...args,
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Formats a node's log dir for the cluster id; returns why it failed, or null. */
export function formatStorage(propertiesFile: string, clusterId: string): string | null {
  const format = spawnSync(
    'java',
    [
      '-Xmx256m',
      `-Dlog4j2.configurationFile=${join(kafkaDir, 'log4j2.properties')}`,
      '-cp',
      `${libsDir}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propertiesFile,
      '--ignore-formatted',
    ],
    { encoding: 'utf8' },
  );
  return format.status === 0 ? null : `kafka StorageTool format failed:\n${format.stdout}${format.stderr}`;
}

/**
 * Waits until *our* broker answers. Its ports were free when picked but another process (e.g. a
 * second checkout's test run starting its own broker at the same time) may take one before Kafka
 * binds it: our broker then exits, while the port answers with the other cluster. Matching the
 * cluster id we formatted makes sure a test run never uses someone else's broker.
 */
export async function waitUntilReady(
  brokers: string[],
  clusterId: string,
  deadline: number,
  exited: () => string | null,
  expectedBrokers = 1,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'va-launcher',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit !== null) throw new BrokerUnavailableError(`the Kafka broker exited during start: ${exit}`);
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      if (cluster.clusterId !== clusterId) {
        throw new BrokerPortTakenError(
          `port ${brokers[0]} answers with another Kafka cluster (${cluster.clusterId}), not ours`,
        );
      }
      if (cluster.brokers.length >= expectedBrokers) return;
    } catch (error) {
      if (error instanceof BrokerPortTakenError) throw error;
      lastError = error;
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new BrokerUnavailableError('the Kafka broker did not become ready in time', { cause: lastError });
}

/**
 * Starts the broker on free loopback ports; `stop()` kills it and removes its data. Its data dir is
 * a fresh temp folder, so concurrent runs (two checkouts of the repo) never share one; a port lost
 * to another process between picking and binding is retried on new ports.
 */
/** `n` different ports from `pick` (a picker that keeps answering one port is an error). */
async function distinctPorts(pick: () => Promise<number>, n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < n; tries++) {
    if (tries > 20 * n) throw new BrokerUnavailableError(`no ${n} distinct free ports found`);
    const port = await pick();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

export interface LocalBrokerOptions {
  readyTimeoutMs?: number;
  /** Also a SASL_SSL listener (tests of the clients' TLS and SASL): see secure-listener.ts. */
  secure?: SecureListenerOptions;
  /** Picks a free port (tests inject a taken one to check the retry). */
  pickPort?: () => Promise<number>;
}

export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBroker> {
  const started = Date.now();
  ensureKafkaLibs();
  for (let attempt = 1; ; attempt++) {
    try {
      const broker = await startOnce(options);
      return { ...broker, startMs: Date.now() - started };
    } catch (error) {
      if (attempt >= 3 || !lostItsPort(error)) throw error;
    }
  }
}

let signalsWatched = false;

/**
 * Ctrl-C of a script that set no handler of its own ended Node without its 'exit' event, so the
 * reap above never ran and the broker's temp folder stayed (`bench:alert-rebuild`, twice). Such a
 * script now exits (130 / 143) and the 'exit' handlers reap; a script with its own handler
 * (the demo) keeps its orderly stop.
 */
function exitOnSignalUnlessHandled(): void {
  if (signalsWatched) return;
  signalsWatched = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    // First of the listeners, so it counts every other one (a `once` one is gone once it ran).
    process.prependListener(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}

async function startOnce(options: LocalBrokerOptions): Promise<LocalBroker> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'va-kafka-'));
  // However the launching process ends (process.exit on Ctrl-C during start-up included), the
  // broker and its data go with it; stop() does the same in order.
  let running: ChildProcess | null = null;
  const reap = (): void => {
    running?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', reap);
  exitOnSignalUnlessHandled();
  const pick = options.pickPort ?? freePort;
  // Distinct ports: each free port is released once picked, so the next pick may return it again
  // (the broker then refused two listeners on one port).
  const [port, controllerPort, securePort] = await distinctPorts(pick, options.secure ? 3 : 2);
  const propertiesFile = join(dataDir, 'server.properties');
  const secure = options.secure
    ? { port: securePort, listener: createSecureListener(dataDir, options.secure) }
    : undefined;
  writeFileSync(
    propertiesFile,
    serverProperties(
      dataDir,
      { nodeId: 1, port, controllerPort },
      [{ nodeId: 1, port, controllerPort }],
      1,
      1,
      secure,
    ),
  );

  const clusterId = newClusterId();
  const formatError = formatStorage(propertiesFile, clusterId);
  if (formatError !== null) {
    reap();
    process.off('exit', reap);
    throw new BrokerUnavailableError(formatError);
  }

  const child = runJava(['kafka.Kafka', propertiesFile], dataDir);
  running = child;
  let output = '';
  let version = 'unknown';
  let exitReason: string | null = null;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (output.length < 64_000) output += text;
    const match = /Kafka version: (\S+)/.exec(text);
    if (match) version = match[1];
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', (code, signal) => {
    exitReason = `code ${code ?? 'none'}, signal ${signal ?? 'none'}\n${output.slice(-4000)}`;
  });

  const brokers = [`127.0.0.1:${port}`];
  const stop = async (): Promise<void> => {
    if (exitReason === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', reap);
  };
  try {
    await waitUntilReady(
      brokers,
      clusterId,
      Date.now() + (options.readyTimeoutMs ?? 90_000),
      () => exitReason,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    brokers,
    version,
    startMs: Date.now() - started,
    stop,
    ...(secure ? { secure: { brokers: [`127.0.0.1:${secure.port}`], caFile: secure.listener.caFile } } : {}),
  };
}
