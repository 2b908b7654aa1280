// The fault bench's scale runs: the same calls with 1, 2, 4 … dsp-workers in one consumer group on
// `partitions` partitions, each on fresh topics. Per run: windows each worker produced (from its
// va_records_out_total), their spread around the mean, windows lost, and the CPU each service and
// the brokers spent per second of call audio (the README's capacity table). I/O: processes, Kafka.
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { LocalCluster } from '../../../devkit/kafka/local-cluster.ts';
import { CLUSTER_REPLICATION } from '../../../devkit/kafka/local-cluster.ts';
import { metricValue, scrape } from '../../../devkit/pipeline/harness.ts';
import { startPipeline, startSimulator } from '../../../devkit/pipeline/pipeline-procs.ts';
import { createCpuMeter } from '../../../devkit/pipeline/proc-stats.ts';
import { alertServiceSpec } from './alert-service-spec.ts';
import { waitForNoLag } from './groups.ts';
import type { CallSet } from './call-set.ts';
import { LAST_WINDOWS_QUIET_MS, startObserver } from './observer.ts';
import { percentile } from './window-ledger.ts';

export interface ScaleOptions {
  cluster: LocalCluster;
  kafka: Kafka;
  callSet: CallSet;
  workers: number[];
  calls: number;
  partitions: number;
  log: (msg: string) => void;
}

const perCallSecond = (cpuSeconds: number, audioSeconds: number) =>
  Math.round((cpuSeconds / audioSeconds) * 10_000) / 10_000;

export async function runScale(options: ScaleOptions) {
  const runs = [];
  for (const workers of options.workers) runs.push(await scaleRun(options, workers));
  return runs;
}

async function scaleRun(options: ScaleOptions, workers: number) {
  const { cluster, callSet, log } = options;
  const suffix = randomBytes(3).toString('hex');
  log(`scale: ${workers} dsp-worker(s), ${options.partitions} partitions, ${options.calls} calls`);
  // With the alert service, so its CPU per call-second is measured too.
  const alerting = await alertServiceSpec(suffix);
  const pipeline = await startPipeline({
    brokers: cluster.brokers,
    replication: CLUSTER_REPLICATION,
    suffix,
    dspWorkers: workers,
    partitions: options.partitions,
    extras: [alerting.extra],
    log,
  });
  const observer = await startObserver(options.kafka, { emotions: pipeline.topics.emotions }, suffix);
  try {
    const prefix = `scale-${suffix}`;
    const expected = callSet.windowsOf(options.calls);
    const meter = createCpuMeter(() => pipeline.processes());
    const brokers = createCpuMeter(() =>
      cluster.nodes
        .filter((node) => node.pid() !== undefined)
        .map((node) => ({ name: 'kafka', pid: node.pid() as number })),
    );
    meter.start();
    brokers.start();
    const startedAt = Date.now();
    const simulator = startSimulator({
      gateway: pipeline.gatewayAddress,
      token: pipeline.token,
      calls: options.calls,
      wavPath: callSet.audioPath,
      speed: 1,
      extraArgs: ['--call-id-prefix', prefix],
      log: () => undefined,
    });
    const exit = await simulator.done;
    // Every worker through its backlog before its records are counted: on a loaded machine a
    // worker can be minutes behind when the calls end, and its count (and the spread) would be of
    // the work done so far, and its late windows would count as lost after 20 s without an event.
    for (let i = 1; i <= workers; i++) await waitForNoLag(pipeline.ports[`dsp-worker-${i}`], 300_000);
    await waitForNoLag(pipeline.ports['emotion-classifier'], 300_000);
    await observer.drain(() => observer.windows.distinct(`${prefix}-`) >= expected, LAST_WINDOWS_QUIET_MS);
    const cpu = meter.read();
    const brokerCpu = brokers.read();
    const perWorker: number[] = [];
    for (let i = 1; i <= workers; i++) {
      const text = await scrape(pipeline.ports[`dsp-worker-${i}`]);
      perWorker.push(metricValue(text, 'va_records_out_total', { topic: pipeline.topics.features }));
    }
    const mean = perWorker.reduce((a, b) => a + b, 0) / workers;
    const audioSeconds = callSet.audioSecondsOf(options.calls);
    const received = observer.windows.distinct(`${prefix}-`);
    const summary = simulator.summary() as { failed?: number } | null;
    return {
      dsp_workers: workers,
      partitions: options.partitions,
      windows_expected: expected,
      lost_windows: Math.max(0, expected - received),
      calls_failed: summary?.failed ?? null,
      simulator_exit: exit,
      feature_records_per_worker: perWorker,
      spread_pct:
        mean > 0
          ? [
              Math.round((Math.min(...perWorker) / mean - 1) * 1000) / 10,
              Math.round((Math.max(...perWorker) / mean - 1) * 1000) / 10,
            ]
          : null,
      latency_ms_p99: percentile(observer.windows.latencies(`${prefix}-`, startedAt, Date.now()), 99),
      audio_seconds: Math.round(audioSeconds),
      cpu_core_s_per_call_s_by_process: Object.fromEntries(
        Object.entries(cpu.byName).map(([name, cores]) => [
          name,
          perCallSecond(cores * cpu.wallSeconds, audioSeconds),
        ]),
      ),
      kafka_cluster_cpu_core_s_per_call_s: perCallSecond(brokerCpu.totalSeconds, audioSeconds),
    };
  } finally {
    await observer.stop();
    await pipeline.stop();
    await pipeline.deleteTopics().catch(() => undefined);
  }
}
