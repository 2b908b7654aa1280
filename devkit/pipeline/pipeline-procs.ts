// Runs the live pipeline as child processes, for the end-to-end test, the benchmark and the demo:
// ingest gateway, K dsp-workers and the emotion classifier on one broker, with their ports and
// topics; and the call simulator. I/O: processes, TCP ports.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { freePort } from '../free-port.ts';
import { createCallAnalyzer, toTelephoneBand } from '../../pipelines/dsp/index.ts';
import { createKafka } from '../../services/shared/kafka-client.ts';
import { DEFAULT_TOPIC_SETTINGS, topicConfigs, TOPICS } from '../../services/shared/topics.ts';
import type { StereoCall } from '../audio/stereo-call.ts';
import { waitFor } from '../../services/shared/wait-for.ts';
import { createTopicsReady, REPO_ROOT, startServiceProcess, type ServiceProcess } from './harness.ts';

export interface PipelineTopics {
  audio: string;
  calls: string;
  features: string;
  emotions: string;
  deadletter: string;
}

export interface RunningPipeline {
  readonly topics: PipelineTopics;
  readonly gatewayAddress: string;
  readonly token: string;
  readonly tenant: string;
  /** Every tenant's ingest token: `tenant` and the `tenants` asked for. */
  readonly tokens: Record<string, string>;
  /** Ops HTTP ports by service instance name (ingest-gateway, dsp-worker-1, …). */
  readonly ports: Record<string, number>;
  readonly services: Record<string, ServiceProcess>;
  /** Service processes for CPU/memory accounting. */
  processes(): { name: string; pid: number }[];
  /** Stops one service instance with `signal` and starts it again with the same environment. */
  restart(name: string, signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM everything (graceful), SIGKILL what is still there after 10 s. */
  stop(): Promise<void>;
  /** Deletes every topic startPipeline created (alerts and the others too), after stop(). */
  deleteTopics(): Promise<void>;
}

export interface PipelineOptions {
  brokers: string[];
  /** Appended to every topic and group name, so runs on a shared broker do not mix; '' = product names. */
  suffix: string;
  dspWorkers?: number;
  partitions?: number;
  /** Copies per topic (findBroker's `replication`): 3 with min.insync 2 on the local cluster. */
  replication?: { replicationFactor: number; minInsyncReplicas: number };
  /** Fixed ops ports (demo); default: free ports. */
  basePort?: number;
  extraEnv?: Record<string, Record<string, string>>;
  /** More services started after the core ones (demo: alert-service, call-store), ready-checked too. */
  extras?: { name: string; service: string; env: Record<string, string> }[];
  /** More tenants the gateway accepts besides "demo", each with its own random token. */
  tenants?: string[];
  log?: (msg: string) => void;
}

type ServiceSpec = { name: string; service: string; env: Record<string, string> };

/** The services of a pipeline in start order: gateway, dsp-workers, classifier, then the extras. */
function serviceSpecs(
  options: PipelineOptions,
  tag: string,
  grpcPort: number,
  tokens: Record<string, string>,
): ServiceSpec[] {
  const specs: ServiceSpec[] = [
    {
      name: 'ingest-gateway',
      service: 'ingest-gateway',
      env: {
        GRPC_HOST: '127.0.0.1',
        GRPC_PORT: String(grpcPort),
        // Tests and the demo replay recordings at several times real time (--speed): no limit.
        MAX_STREAM_SPEED: '0',
        // Benchmarks stream every call as one tenant: it may use the whole gateway.
        MAX_LIVE_CALLS_PER_TENANT: '2000',
        TENANT_TOKENS: Object.entries(tokens)
          .map(([name, value]) => `${name}=${value}`)
          .join(','),
      },
    },
  ];
  for (let i = 1; i <= (options.dspWorkers ?? 1); i++) {
    specs.push({
      name: `dsp-worker-${i}`,
      service: 'dsp-worker',
      env: { DSP_GROUP_ID: `va-dsp-worker${tag}` },
    });
  }
  specs.push({
    name: 'emotion-classifier',
    service: 'emotion-classifier',
    env: { EMOTION_GROUP_ID: `va-emotion-classifier${tag}` },
  });
  for (const extra of options.extras ?? []) specs.push(extra);

  return specs;
}

/** Creates the topics with their leaders before any service starts (see startPipeline). */
async function createPipelineTopics(
  kafka: Kafka,
  created: string[],
  replication: { replicationFactor: number; minInsyncReplicas: number },
  partitions: number | undefined,
  audioTopic: string,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const settings = {
      ...DEFAULT_TOPIC_SETTINGS,
      ...replication,
      partitions: partitions ?? DEFAULT_TOPIC_SETTINGS.partitions,
    };
    await createTopicsReady(admin, topicConfigs(settings, created, audioTopic));
  } finally {
    await admin.disconnect();
  }
}

interface Launched {
  services: Record<string, ServiceProcess>;
  ports: Record<string, number>;
  envs: Record<string, Record<string, string>>;
  launch: (name: string, service: string) => ServiceProcess;
  serviceOf: Record<string, string>;
}

/** Waits for one service's /readyz; relaunches it on a port taken meanwhile (EADDRINUSE). */
async function untilReady(
  name: string,
  { services, ports, envs, launch, serviceOf }: Launched,
): Promise<void> {
  let retries = 0;
  await waitFor(
    `${name} to be ready`,
    async () => {
      const service = services[name];
      if (service.child.exitCode !== null) {
        // A port picked free was taken before the service bound it (another test's client
        // connection got it as its ephemeral port): pick again and relaunch.
        if (retries < 3 && service.output().includes('EADDRINUSE')) {
          retries += 1;
          envs[name].HTTP_PORT = String(await freePort());
          if (envs[name].GRPC_PORT) envs[name].GRPC_PORT = String(await freePort());
          ports[name] = await launch(name, serviceOf[name]).port;
          return false;
        }
        throw new Error(`${name} exited:\n${service.output().slice(-3000)}`);
      }
      // Lost its port to another process: that one may answer /readyz; wait for the exit above.
      if (service.output().includes('EADDRINUSE')) return false;
      return (await fetch(`http://127.0.0.1:${ports[name]}/readyz`).catch(() => null))?.ok;
    },
    // Start-up, not behaviour: with the suite's other pipelines on the same 2 cores, a call store
    // (migrations, group join) once needed more than a minute (CI, l16ws end to end).
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${name} output:\n${services[name].output().slice(-3000)}`);
  });
}

export async function startPipeline(options: PipelineOptions): Promise<RunningPipeline> {
  const tag = options.suffix ? `.${options.suffix}` : '';
  const topics: PipelineTopics = {
    audio: TOPICS.audio + tag,
    calls: TOPICS.calls + tag,
    features: TOPICS.features + tag,
    emotions: TOPICS.emotions + tag,
    deadletter: TOPICS.deadletter + tag,
  };
  const tenant = 'demo';
  const tokens = Object.fromEntries(
    [tenant, ...(options.tenants ?? [])].map((name) => [name, randomBytes(24).toString('base64url')]),
  );
  const token = tokens[tenant];
  const grpcPort = await freePort();
  const replication = options.replication ?? {
    replicationFactor: DEFAULT_TOPIC_SETTINGS.replicationFactor,
    minInsyncReplicas: DEFAULT_TOPIC_SETTINGS.minInsyncReplicas,
  };
  const common = {
    KAFKA_BROKERS: options.brokers.join(','),
    TOPIC_PARTITIONS: String(options.partitions ?? 6),
    TOPIC_REPLICATION_FACTOR: String(replication.replicationFactor),
    TOPIC_MIN_INSYNC_REPLICAS: String(replication.minInsyncReplicas),
    AUDIO_TOPIC: topics.audio,
    CALLS_TOPIC: topics.calls,
    FEATURES_TOPIC: topics.features,
    EMOTIONS_TOPIC: topics.emotions,
    DEADLETTER_TOPIC: topics.deadletter,
    ERASURES_TOPIC: TOPICS.erasures + tag,
    LOG_LEVEL: 'warn',
  };
  let nextPort = options.basePort ?? 0;
  // Ports chosen here, not by the services: their logs stay at warn level.
  const port = async (): Promise<string> => String(nextPort > 0 ? nextPort++ : await freePort());
  const specs = serviceSpecs(options, tag, grpcPort, tokens);

  const serviceOf = Object.fromEntries(specs.map((spec) => [spec.name, spec.service]));
  const services: Record<string, ServiceProcess> = {};
  const ports: Record<string, number> = {};
  const envs: Record<string, Record<string, string>> = {};
  const launch = (name: string, service: string): ServiceProcess => {
    services[name] = startServiceProcess(service, envs[name]);
    return services[name];
  };
  const stop = async (): Promise<void> => {
    const all = Object.values(services);
    const timer = setTimeout(() => all.forEach((s) => void s.stop('SIGKILL')), 10_000);
    await Promise.all(all.map((s) => s.stop('SIGTERM')));
    clearTimeout(timer);
  };
  // Topics first, with their leaders: services starting together would race to create them, and
  // one may subscribe to a topic another has only just created.
  const kafka = createKafka({ clientId: 'va-pipeline-procs', brokers: options.brokers });
  // Every product topic (alerts too): services beyond this pipeline (demo) read and write them.
  const created = [...new Set([...Object.values(topics), ...Object.values(TOPICS).map((t) => t + tag)])];
  await createPipelineTopics(kafka, created, replication, options.partitions, topics.audio);
  try {
    for (const spec of specs) {
      envs[spec.name] = {
        ...common,
        HTTP_PORT: await port(),
        ...spec.env,
        ...options.extraEnv?.[spec.service],
      };
      const service = launch(spec.name, spec.service);
      ports[spec.name] = await service.port;
      options.log?.(`${spec.name} up, metrics on http://127.0.0.1:${ports[spec.name]}/metrics`);
    }
    for (const name of Object.keys(ports))
      await untilReady(name, { services, ports, envs, launch, serviceOf });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    topics,
    gatewayAddress: `127.0.0.1:${envs['ingest-gateway'].GRPC_PORT}`,
    token,
    tenant,
    tokens,
    ports,
    services,
    processes: () =>
      Object.entries(services)
        .filter(([, s]) => s.child.pid !== undefined)
        .map(([name, s]) => ({ name: name.replace(/-\d+$/, ''), pid: s.child.pid as number })),
    async restart(name, signal) {
      await services[name].stop(signal);
      await launch(name, serviceOf[name]).port;
    },
    stop,
    async deleteTopics() {
      const cleaner = kafka.admin();
      await cleaner.connect();
      await cleaner.deleteTopics({ topics: created }).catch(() => undefined);
      await cleaner.disconnect();
    },
  };
}

/** Speaker windows (= emotion events) pipelines/dsp gives one call of this audio, ended at its end. */
export function expectedWindowsPerCall(call: StereoCall): number {
  return windowsOfTelephoneCall(
    toTelephoneBand(call.agent, call.sampleRateHz, 'pcmu'),
    toTelephoneBand(call.customer, call.sampleRateHz, 'pcmu'),
  );
}

/** The same for a call already in 8 kHz µ-law (what the simulator sends of a WAV file). */
export function windowsOfTelephoneCall(agent: Uint8Array, customer: Uint8Array): number {
  const analyzer = createCallAnalyzer({ format: { codec: 'pcmu', sampleRateHz: 8000 } });
  let windows = 0;
  for (let at = 0; at < Math.max(agent.length, customer.length); at += 800) {
    windows += analyzer.push('agent', agent.subarray(at, at + 800)).windows.length;
    windows += analyzer.push('customer', customer.subarray(at, at + 800)).windows.length;
  }
  return windows + analyzer.flush().windows.length;
}

export interface SimulatorRun {
  readonly pid: number | undefined;
  /** Resolves with the simulator's exit code. */
  readonly done: Promise<number>;
  /** The simulator's one-line JSON summary once it printed it. */
  summary(): Record<string, unknown> | null;
  /** SIGTERM; resolves when the simulator is gone. */
  stop(): Promise<void>;
}

/** Runs the call simulator (`npm run simulate`) against the gateway. */
export function startSimulator(options: {
  gateway: string;
  token: string;
  calls: number;
  /** WAV file or folder; undefined = the simulator's synthetic voices. */
  wavPath: string | undefined;
  speed: number;
  extraArgs?: string[];
  log?: (msg: string) => void;
}): SimulatorRun {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'services/simulator/main.ts'),
      '--calls',
      String(options.calls),
      ...(options.wavPath === undefined ? [] : ['--audio', options.wavPath]),
      '--speed',
      String(options.speed),
      '--target',
      options.gateway,
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, INGEST_TOKEN: options.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let summary: Record<string, unknown> | null = null;
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      if (line.startsWith('{')) {
        try {
          summary = JSON.parse(line) as Record<string, unknown>;
        } catch {
          // not the summary line
        }
      }
      options.log?.(`simulator: ${line}`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  // Never left behind when this process ends, however it ends (short of SIGKILL).
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  const done = new Promise<number>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', reap);
      resolve(code ?? 1);
    }),
  );
  return {
    pid: child.pid,
    done,
    summary: () => summary,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await done;
    },
  };
}
