// `npm run bench:pipeline -- --calls N --seconds S [--dsp-workers K]`: the live pipeline measured
// end to end. Starts a broker (devkit/kafka/find-broker.ts), the ingest gateway, K dsp-workers
// and the emotion classifier as child processes, streams N concurrent stereo calls of S seconds
// in real time over gRPC with the call simulator, consumes va.emotions.v1 and prints ONE JSON
// object: windows expected/received/lost, latency percentiles (arrival at the gateway of the
// audio completing a window → emotion event consumed), CPU cores and memory of the services.
// Progress goes to stderr. I/O: processes, Kafka, gRPC, temp files.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { intArg, parseCli, usageExit } from '../services/shared/cli-args.ts';
import { findBroker } from '../devkit/kafka/find-broker.ts';
import { encodeWav } from '../pipelines/audio/wav.ts';
import { createEventDedupe } from '../services/emotion-classifier/event-dedupe.ts';
import { createKafka } from '../services/shared/kafka-client.ts';
import { emotionEventCodec } from '../services/shared/records.ts';
import { syntheticCall } from '../devkit/audio/stereo-call.ts';
import { expectedWindowsPerCall, startPipeline, startSimulator } from '../devkit/pipeline/pipeline-procs.ts';
import { createCpuMeter, listenerPid, peakRssMb } from '../devkit/pipeline/proc-stats.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';

const USAGE =
  'usage: npm run bench:pipeline -- --calls N (>= 1) --seconds S (>= 3) [--dsp-workers K] [--warmup-seconds W (0 or >= 3)] [--batch-ms MS]';
const { values } = parseCli('bench:pipeline', USAGE, {
  options: {
    calls: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    'dsp-workers': { type: 'string', default: '2' },
    /** Calls streamed (same count, this long) before the measured run: the JVM broker and V8
     * compile their hot code in the first seconds, which a long-running deployment does once. */
    'warmup-seconds': { type: 'string', default: '10' },
    /** The gateway's BATCH_MAX_DELAY_MS (its default when absent): larger = fewer, bigger records. */
    'batch-ms': { type: 'string' },
  },
});
const calls = intArg('bench:pipeline', USAGE, 'calls', values.calls, { min: 1 });
const seconds = intArg('bench:pipeline', USAGE, 'seconds', values.seconds, { min: 3 });
const dspWorkers = intArg('bench:pipeline', USAGE, 'dsp-workers', values['dsp-workers'], { min: 1, max: 64 });
const warmupSeconds = intArg('bench:pipeline', USAGE, 'warmup-seconds', values['warmup-seconds'], { min: 0 });
if (warmupSeconds > 0 && warmupSeconds < 3)
  usageExit('bench:pipeline', USAGE, '--warmup-seconds must be 0 or >= 3');
const batchMs =
  values['batch-ms'] === undefined
    ? undefined
    : intArg('bench:pipeline', USAGE, 'batch-ms', values['batch-ms'], { min: 1, max: 100 });
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] * 10) / 10;
}

const broker = await findBroker();
log(`kafka ${broker.source} ${broker.brokers.join(',')} (${broker.version})`);
const workDir = mkdtempSync(join(tmpdir(), 'va-bench-'));
const suffix = randomBytes(3).toString('hex');
const pipeline = await startPipeline({
  brokers: broker.brokers,
  replication: broker.replication,
  suffix,
  dspWorkers,
  partitions: 6,
  extraEnv: batchMs === undefined ? undefined : { 'ingest-gateway': { BATCH_MAX_DELAY_MS: String(batchMs) } },
  log,
});
const kafka = createKafka({ clientId: 'va-bench', brokers: broker.brokers });
const consumer = kafka.consumer({ groupId: `va-bench-${suffix}`, maxWaitTimeInMs: 50 });
let exitCode = 0;
try {
  const wavPath = join(workDir, 'call.wav');
  const call = syntheticCall(seconds, 11);
  writeFileSync(
    wavPath,
    encodeWav({ sampleRateHz: call.sampleRateHz, channels: [call.agent, call.customer] }),
  );
  const perCall = expectedWindowsPerCall(call);
  const expected = perCall * calls;
  const measuredPrefix = `bench-${suffix}`;

  const dedupe = createEventDedupe(expected * 4 + 10);
  const latencies: number[] = [];
  let received = 0;
  let warmupReceived = 0;
  let duplicates = 0;
  let lastEventAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [pipeline.topics.emotions], fromBeginning: true });
  await consumer.run({
    // The measuring consumer reads from the start with its own group: no commits (broker load).
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const event = emotionEventCodec.decode(message.value, message.headers as never);
        if (!dedupe.firstSeen(event.eventId)) {
          duplicates += 1;
          continue;
        }
        if (!event.callId.startsWith(`${measuredPrefix}-`)) {
          warmupReceived += 1;
          continue;
        }
        received += 1;
        if (event.audioCompletedAtMs > 0) latencies.push(now - event.audioCompletedAtMs);
      }
      lastEventAt = now;
    },
  });

  /** Waits while events keep coming until `done` (a slow pipeline delivers late, not never). */
  const drain = async (done: () => boolean, quietMs: number): Promise<void> => {
    const deadline = Date.now() + 300_000;
    while (!done() && Date.now() < deadline && Date.now() - lastEventAt < quietMs) {
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  if (warmupSeconds > 0) {
    const warmPath = join(workDir, 'warmup.wav');
    const warmCall = syntheticCall(warmupSeconds, 12);
    writeFileSync(
      warmPath,
      encodeWav({ sampleRateHz: warmCall.sampleRateHz, channels: [warmCall.agent, warmCall.customer] }),
    );
    const warmExpected = expectedWindowsPerCall(warmCall) * calls;
    log(`warm-up: ${calls} calls of ${warmupSeconds} s (not measured)`);
    const warm = startSimulator({
      gateway: pipeline.gatewayAddress,
      token: pipeline.token,
      calls,
      wavPath: warmPath,
      speed: 1,
      extraArgs: ['--call-id-prefix', `warmup-${suffix}`],
      log,
    });
    await warm.done;
    await drain(() => warmupReceived >= warmExpected, 15_000);
    log(`warm-up done: ${warmupReceived}/${warmExpected} windows`);
  }

  const meter = createCpuMeter(() => pipeline.processes());
  // The broker shares the machine: measured apart (its own field), so service totals stay comparable.
  // KAFKA_CLUSTER=3: the three JVMs of the local cluster together.
  const brokerPids = broker.cluster
    ? broker.cluster.nodes.map((node) => node.pid()).filter((pid): pid is number => pid !== undefined)
    : [listenerPid(Number(broker.brokers[0].split(':').pop()))].filter((pid): pid is number => pid !== null);
  const brokerPid = brokerPids.length > 0 ? brokerPids[0] : null;
  const brokerMeter = createCpuMeter(() => brokerPids.map((pid) => ({ name: 'kafka', pid })));
  brokerMeter.start();
  log(`streaming ${calls} stereo calls of ${seconds} s in real time (${perCall} windows each)`);
  meter.start();
  const simulator = startSimulator({
    gateway: pipeline.gatewayAddress,
    token: pipeline.token,
    calls,
    wavPath,
    speed: 1,
    extraArgs: ['--call-id-prefix', measuredPrefix],
    log,
  });
  const progress = setInterval(() => log(`${received}/${expected} windows, ${latencies.length} timed`), 5000);
  const simulatorExit = await simulator.done;
  const summary = simulator.summary();
  log(`simulator finished (${simulatorExit}); waiting for the last windows`);
  const drainStarted = Date.now();
  await drain(() => received >= expected, 15_000);
  const drainedS = (Date.now() - drainStarted) / 1000;
  // Over the whole run (streaming and draining): the work the windows cost, whatever the pace.
  const cpu = meter.read();
  const brokerCpu = brokerMeter.read();
  clearInterval(progress);
  latencies.sort((a, b) => a - b);
  let rss = 0;
  for (const { pid } of pipeline.processes()) rss += peakRssMb(pid) ?? 0;
  const result = {
    calls,
    seconds,
    dsp_workers: dspWorkers,
    kafka_nodes: broker.cluster?.nodes.length ?? 1,
    warmup_seconds: warmupSeconds,
    gateway_batch_ms: batchMs ?? 'default',
    windows_expected: expected,
    windows_received: received,
    lost_windows: Math.max(0, expected - received),
    duplicate_windows: duplicates,
    latency_ms_p50: percentile(latencies, 50),
    latency_ms_p95: percentile(latencies, 95),
    latency_ms_p99: percentile(latencies, 99),
    latency_ms_max: latencies.length > 0 ? latencies[latencies.length - 1] : null,
    cpu_cores_used: Math.round(cpu.total * 100) / 100,
    // CPU seconds of the services per second of stereo call audio: 1 / this = calls per core.
    cpu_core_s_per_call_s: Math.round((cpu.totalSeconds / (calls * seconds)) * 10_000) / 10_000,
    cpu_cores_by_process: Object.fromEntries(
      Object.entries(cpu.byName).map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
    cpu_core_s_per_call_s_by_process: Object.fromEntries(
      Object.entries(cpu.byName).map(([k, v]) => [
        k,
        Math.round(((v * cpu.wallSeconds) / (calls * seconds)) * 10_000) / 10_000,
      ]),
    ),
    // The Kafka broker(s) (local JVMs, when findBroker started them on this machine), not in the totals.
    kafka_broker_cpu_cores: brokerPid === null ? null : Math.round(brokerCpu.total * 100) / 100,
    kafka_broker_cpu_core_s_per_call_s:
      brokerPid === null ? null : Math.round((brokerCpu.totalSeconds / (calls * seconds)) * 10_000) / 10_000,
    rss_mb: Math.round(rss),
    load_average_1m: Math.round(loadavg()[0] * 10) / 10,
    drain_after_calls_s: Math.round(drainedS * 10) / 10,
    simulator: {
      exit: simulatorExit,
      wall_seconds: summary?.wall_seconds ?? null,
      max_frame_late_ms: summary?.max_frame_late_ms ?? null,
      failed: summary?.failed ?? null,
      cpu_seconds: summary?.cpu_seconds ?? null,
    },
  };
  emitBenchmark('pipeline', result);
  if (result.lost_windows > 0) exitCode = 1;
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await consumer.disconnect().catch(() => undefined);
  await pipeline.stop();
  await broker.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
