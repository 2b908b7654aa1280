// Helpers for the live-pipeline tests and the benchmark: run a service as a child process (so it
// can be SIGKILLed), read its /metrics, produce a call's audio as AudioChunk records the way the
// gateway batches it, and collect a topic's records. I/O: processes, Kafka, HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin, Consumer, ITopicConfig, Kafka, Producer } from 'kafkajs';
import type { RecordHeaders } from '../../services/shared/codec.ts';
import { outRecord, sendRecords } from '../../services/shared/producer.ts';
import { audioChunkCodec } from '../../services/shared/records.ts';
import { encodeCallAudio, type StereoAudio } from '../audio/call-audio.ts';
import { callKey } from '../../services/shared/call-key.ts';
import { waitFor } from '../../services/shared/wait-for.ts';
import { runConsumerKeptRunning } from '../../services/shared/consumer-keep-running.ts';
import { createLogger } from '../../services/shared/logger.ts';

/** The tenant of the audio `produceCallAudio` writes straight to Kafka (as the gateway would). */
export const HARNESS_TENANT = 'test';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Resolves with the ops HTTP port once the service logged that it started. */
  readonly port: Promise<number>;
  /** Everything it printed (JSON lines), for assertions and failure messages. */
  readonly output: () => string;
  /** SIGTERM (graceful) or SIGKILL; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Waits until a service process's /readyz answers 200: "not ready: starting" and a refused or
 * reset connection meanwhile are retries (a start under load), an exit is the failure, with what
 * the service said.
 */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 90_000): Promise<number> {
  const port = await service.port;
  await waitFor(
    `${service.child.spawnargs.at(-1)} to be ready`,
    async () => {
      if (service.child.exitCode !== null) throw new Error(`exited:\n${service.output().slice(-3000)}`);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      return response?.ok;
    },
    timeoutMs,
  );
  return port;
}

/**
 * Starts services/<name>/main.ts on this Node (process.execPath) with the given environment. With
 * HTTP_PORT=0 the port is read from the service's "connected to Kafka" log line (LOG_LEVEL info).
 */
export function startServiceProcess(name: string, env: Record<string, string>): ServiceProcess {
  // VA_CPU_PROFILE_DIR=dir: each service writes a V8 CPU profile there when it exits (where the
  // time goes under load; NODE_OPTIONS may not carry --cpu-prof).
  const profileDir = process.env.VA_CPU_PROFILE_DIR;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.${Date.now()}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, join(REPO_ROOT, 'services', name, 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Never leave a service behind when this process ends, however it ends (short of SIGKILL).
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', () => {
      process.off('exit', reap);
      resolveExit();
    }),
  );
  const fixedPort = Number(env.HTTP_PORT ?? 0);
  const port = new Promise<number>((resolvePort, reject) => {
    if (fixedPort > 0) resolvePort(fixedPort);
    const onData = (chunk: Buffer): void => {
      if (output.length < 200_000) output += chunk.toString('utf8');
      const match = /"httpPort":(\d+)/.exec(output);
      if (match) resolvePort(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`${name} exited before it started:\n${output.slice(-3000)}`)));
  });
  port.catch(() => undefined);
  return {
    child,
    port,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** One metric's value from a Prometheus text exposition (sum over series matching the labels). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own waitForLeaders gives up
 * on a transient "does not host this topic-partition" from a busy broker: retry instead.
 */
export async function createTopicsReady(admin: Admin, configs: ITopicConfig[]): Promise<void> {
  const names = configs.map((c) => c.topic);
  await waitFor(
    `topics ${names.join(', ')} with leaders`,
    async () => {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = configs.filter((c) => !existing.has(c.topic));
        if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        return topics.every(
          (t) =>
            t.partitions.length === (configs.find((c) => c.topic === t.name)?.numPartitions ?? 1) &&
            t.partitions.every((p) => p.leader >= 0),
        );
      } catch {
        return false;
      }
    },
    60_000,
    250,
  );
}

export interface TelephoneCall {
  callId: string;
  agent: Uint8Array;
  customer: Uint8Array;
}

/** The call as the gateway carries it: 8 kHz G.711 µ-law per channel, through the telephone band. */
export function toTelephoneCall(callId: string, call: StereoAudio): TelephoneCall {
  const { agent, customer } = encodeCallAudio({ name: callId, ...call }, 'pcmu', 8000);
  return { callId, agent, customer };
}

const BYTES_PER_MS = 8; // 8 kHz, one byte per µ-law sample

/**
 * Produces the call's audio from `fromMs` to `toMs` as AudioChunk records of `chunkMs` per
 * channel, paced at `speed` × real time (0 = as fast as possible); `final` marks the call's end.
 */
export async function produceCallAudio(
  producer: Producer,
  topic: string,
  call: TelephoneCall,
  options: { fromMs?: number; toMs?: number; chunkMs?: number; speed?: number; final?: boolean } = {},
): Promise<void> {
  const chunkMs = options.chunkMs ?? 100;
  const durationMs = Math.floor(call.agent.length / BYTES_PER_MS);
  const toMs = Math.min(options.toMs ?? durationMs, durationMs);
  const speed = options.speed ?? 0;
  const started = Date.now();
  const startMs = options.fromMs ?? 0;
  for (let t = startMs; t < toMs; t += chunkMs) {
    const end = Math.min(t + chunkMs, toMs);
    if (speed > 0) {
      const due = started + (end - startMs) / speed;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const last = options.final === true && end >= toMs;
    const now = Date.now();
    const records = (['agent', 'customer'] as const).map((channel) =>
      outRecord(topic, audioChunkCodec, callKey(HARNESS_TENANT, call.callId), {
        callId: call.callId,
        channel,
        codec: 'pcmu',
        sampleRateHz: 8000,
        firstSequence: t / 20,
        lastSequence: end / 20 - 1,
        audioStartMs: t,
        audioEndMs: end,
        payload: call[channel].subarray(t * BYTES_PER_MS, end * BYTES_PER_MS),
        firstReceivedAtMs: now - (end - t) / Math.max(speed, 1),
        receivedAtMs: now,
        final: last,
        tenant: HARNESS_TENANT,
        chunkIndex: t / chunkMs,
      }),
    );
    await sendRecords(producer, records);
  }
}

export interface Collected<T> {
  readonly records: { value: T; partition: number; offset: string }[];
  stop(): Promise<void>;
}

/** Reads a topic from the beginning into memory, decoding each record (undecodable ones skipped). */
export async function collectTopic<T>(
  kafka: Kafka,
  topic: string,
  decode: (value: Buffer | null, headers: RecordHeaders | undefined) => T | null,
): Promise<Collected<T>> {
  const consumer: Consumer = kafka.consumer({
    groupId: `collect.${topic}.${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const records: Collected<T>['records'] = [];
  const stopping = new AbortController();
  const logger = createLogger({ service: 'collector', level: 'error' });
  const kept = await runConsumerKeptRunning(
    consumer,
    {
      eachMessage: async ({ message, partition }) => {
        let value: T | null = null;
        try {
          value = decode(message.value, message.headers as RecordHeaders);
        } catch {
          value = null;
        }
        if (value !== null) records.push({ value, partition, offset: message.offset });
      },
    },
    { logger, signal: stopping.signal },
  );
  return {
    records,
    stop: async () => {
      stopping.abort();
      await kept.settled();
      await consumer.disconnect();
    },
  };
}
