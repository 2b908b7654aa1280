// `npm run bench:faults -- [--calls 100] [--scale 1,2,4]`: faults under load on a local 3-node
// KRaft cluster (devkit/kafka/local-cluster.ts), measured, printed as ONE JSON object.
// 1. Reference: each nEMO call once, no faults: the windows and alerts the same audio must give.
// 2. Fault run: N stereo calls streamed in real time; at 10 s the broker leading the most audio
//    partitions is SIGKILLed, at 25 s started again; then a dsp-worker and the emotion classifier
//    are SIGKILLed (and started again) mid-call. Windows lost / duplicated, calls failed, p99
//    latency during the fault and the time until it is back under 500 ms, alerts lost.
// 3. Whole-cluster outage of 20 s under live calls: new calls are refused with UNAVAILABLE and a
//    retry delay, held calls ended the same way after the hold, memory bounded, no process exits.
// 4. With --scale: the calls again with 1, 2, 4 dsp-workers on 12 partitions: windows per worker,
//    their spread, windows lost, CPU per second of call audio by service (the README's capacity).
// Progress on stderr. I/O: processes, Kafka, gRPC.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseCli, usageExit } from '../services/shared/cli-args.ts';
import { CLUSTER_REPLICATION, startLocalCluster } from '../devkit/kafka/local-cluster.ts';
import { createKafka } from '../services/shared/kafka-client.ts';
import { nemoCallSet } from './lib/faults/call-set.ts';
import { alertServiceSpec } from './lib/faults/alert-service-spec.ts';
import { faultRunFigures, type FaultRunFacts } from './lib/faults/fault-run-figures.ts';
import { faultSchedule } from './lib/faults/fault-schedule.ts';
import { waitForNoLag, waitForStableGroup } from './lib/faults/groups.ts';
import { LAST_WINDOWS_QUIET_MS, startObserver } from './lib/faults/observer.ts';
import { runOutage } from './lib/faults/outage.ts';
import { runScale } from './lib/faults/scale.ts';
import { runTimeline } from './lib/faults/timeline.ts';
import { startPipeline, startSimulator } from '../devkit/pipeline/pipeline-procs.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';

const USAGE =
  'usage: npm run bench:faults -- [--calls N] [--dsp-workers K >= 2] [--partitions P] [--outage-calls N] [--outage-s S] [--scale 1,2,4] [--scale-calls N] [--scale-only]';
const { values } = parseCli('bench:faults', USAGE, {
  options: {
    calls: { type: 'string', default: '100' },
    'dsp-workers': { type: 'string', default: '2' },
    partitions: { type: 'string', default: '12' },
    'outage-calls': { type: 'string', default: '20' },
    'outage-s': { type: 'string', default: '20' },
    /** Comma-separated dsp-worker counts for the scale runs (e.g. 1,2,4); none by default. */
    scale: { type: 'string' },
    'scale-calls': { type: 'string' },
    /** Only the scale runs (the fault and outage runs skipped). */
    'scale-only': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const dspWorkers = Number(values['dsp-workers']);
const partitions = Number(values.partitions);
const outageCalls = Number(values['outage-calls']);
const outageS = Number(values['outage-s']);
const scaleWorkers = values.scale ? values.scale.split(',').map(Number) : [];
const scaleCalls = Number(values['scale-calls'] ?? calls);
const positive = (n: number): boolean => Number.isInteger(n) && n >= 1;
if (
  ![calls, dspWorkers, partitions, outageCalls, outageS, scaleCalls, ...scaleWorkers].every(positive) ||
  dspWorkers < 2
) {
  usageExit('bench:faults', USAGE, 'every count must be a positive integer, --dsp-workers at least 2');
}
const log = (msg: string): void => void process.stderr.write(`[bench:faults] ${msg}\n`);
const round = (n: number | null, digits = 1): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

const cluster = await startLocalCluster();
log(
  `3-node KRaft cluster ${cluster.brokers.join(',')} (Kafka ${cluster.version}) up in ${cluster.startMs} ms`,
);
const kafka = createKafka({ clientId: 'va-bench-faults', brokers: cluster.brokers });
const callSet = nemoCallSet();
const result: Record<string, unknown> = {
  kafka: { nodes: cluster.nodes.length, ...CLUSTER_REPLICATION, producer: 'acks=all, idempotent' },
  calls,
  audio: 'assets/nemo-calls (4 recordings cycled, 71-100 s, stereo 8 kHz µ-law), real time',
  dsp_workers: dspWorkers,
  partitions,
};
let exitCode = 0;

async function faultRun(): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const alerting = await alertServiceSpec(suffix);
  const pipeline = await startPipeline({
    brokers: cluster.brokers,
    replication: CLUSTER_REPLICATION,
    suffix,
    dspWorkers,
    partitions,
    extras: [alerting.extra],
    log,
  });
  // The evaluator's new group starts at the latest offsets once joined: calls before would be missed.
  await waitForStableGroup(kafka, alerting.groupId);
  const observer = await startObserver(
    kafka,
    { emotions: pipeline.topics.emotions, alerts: alerting.alertsTopic },
    suffix,
  );
  const simulate = (n: number, prefix: string, speed: number) =>
    startSimulator({
      gateway: pipeline.gatewayAddress,
      token: pipeline.token,
      calls: n,
      wavPath: callSet.audioPath,
      speed,
      extraArgs: ['--call-id-prefix', prefix],
      log: () => undefined,
    });
  try {
    // 1. Reference (also the warm-up of JVMs and V8): each recording once, 4x real time.
    const refPrefix = `ref-${suffix}`;
    const files = callSet.files.length;
    await simulate(files, refPrefix, 4).done;
    await observer.drain(
      () => observer.windows.distinct(`${refPrefix}-`) >= callSet.windowsOf(files),
      15_000,
    );
    await observer.drain(() => false, 5_000); // alerts follow their windows
    log(
      `reference: ${observer.windows.distinct(`${refPrefix}-`)} windows, ${observer.alerts.count(`${refPrefix}-`)} alerts`,
    );

    // 2. Fault run.
    const runPrefix = `run-${suffix}`;
    const expected = callSet.windowsOf(calls);
    log(`fault run: ${calls} calls, ${expected} windows expected`);
    const startedAt = Date.now();
    const run = simulate(calls, runPrefix, 1);
    const faults = await runTimeline(faultSchedule(kafka, cluster, pipeline), startedAt, log);
    const progress = setInterval(
      () => log(`${observer.windows.distinct(`${runPrefix}-`)}/${expected} windows`),
      10_000,
    );
    const simulatorExit = await run.done;
    const streamedUntil = Date.now();
    await observer.drain(() => observer.windows.distinct(`${runPrefix}-`) >= expected, LAST_WINDOWS_QUIET_MS);
    // Alerts are sparse: wait until the evaluator has consumed everything there is, then
    // a little for the alerts of the last records to arrive.
    const alertsCaughtUp = await waitForNoLag(pipeline.ports['alert-service']);
    await observer.drain(() => false, 8_000);
    clearInterval(progress);
    const figures = faultRunFigures({
      observer,
      callSet,
      calls,
      refPrefix,
      runPrefix,
      files,
      expected,
      startedAt,
      streamedUntil,
      faults,
      summary: run.summary() as FaultRunFacts['summary'],
      simulatorExit,
      alertsCaughtUp,
    });
    Object.assign(result, figures);
    if (figures.lost_windows > 0 || figures.alerts_lost > 0 || figures.calls_failed > 0) exitCode = 1;

    // 3. Whole-cluster outage.
    result.outage = await runOutage({ cluster, pipeline, callSet, calls: outageCalls, outageS, suffix, log });
  } finally {
    await observer.stop();
    await pipeline.stop();
    await pipeline.deleteTopics().catch(() => undefined);
  }
}

try {
  if (!values['scale-only']) await faultRun();
  if (scaleWorkers.length > 0) {
    result.scale = await runScale({
      cluster,
      kafka,
      callSet,
      workers: scaleWorkers,
      calls: scaleCalls,
      partitions,
      log,
    });
  }
  result.load_average_1m = round(loadavg()[0]);
  emitBenchmark(values['scale-only'] ? 'faults-scale' : 'faults', result);
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await cluster.stop();
}
process.exit(exitCode);
