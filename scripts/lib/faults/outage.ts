// The fault bench's whole-cluster outage: live calls streaming, every broker SIGKILLed for
// `outageS` seconds, new calls tried meanwhile. Measures what the gateway told clients (UNAVAILABLE
// with a retry delay, or not), how far its held bytes and memory grew, whether any service process
// exited, and whether a call is taken again once the cluster is back. I/O: processes, gRPC, HTTP.
import type { LocalCluster } from '../../../devkit/kafka/local-cluster.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { metricValue, scrape, toTelephoneCall } from '../../../devkit/pipeline/harness.ts';
import { startSimulator, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { peakRssMb } from '../../../devkit/pipeline/proc-stats.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import type { CallSet } from './call-set.ts';
import { runTimeline } from './timeline.ts';

export interface OutageOptions {
  cluster: LocalCluster;
  pipeline: RunningPipeline;
  callSet: CallSet;
  calls: number;
  outageS: number;
  suffix: string;
  log: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runOutage(options: OutageOptions) {
  const { cluster, pipeline, log } = options;
  const gatewayPort = pipeline.ports['ingest-gateway'];
  const gatewayPid = () => pipeline.services['ingest-gateway'].child.pid as number;
  const children = () => Object.values(pipeline.services).map((service) => service.child);
  const startedChildren = new Set(children());
  const rssBefore = peakRssMb(gatewayPid());
  let pendingMax = 0;
  let stallMax = 0;
  const sampler = setInterval(() => {
    void scrape(gatewayPort)
      .then((text) => {
        pendingMax = Math.max(pendingMax, metricValue(text, 'va_ingest_pending_bytes'));
        stallMax = Math.max(stallMax, metricValue(text, 'va_ingest_broker_stall_seconds'));
      })
      .catch(() => undefined);
  }, 500);
  const probes: { at_s: number; status: number; retry_pushback_ms: number | null }[] = [];
  const probe = (n: number) => async () => {
    const atS = Math.round((Date.now() - startedAt) / 100) / 10;
    const call = toTelephoneCall(`outage-probe-${options.suffix}-${n}`, syntheticCall(4, 60 + n));
    const result = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 1 });
    probes.push({ at_s: atS, status: result.code, retry_pushback_ms: result.retryPushbackMs });
    return `status ${result.code}, pushback ${result.retryPushbackMs ?? 'none'}`;
  };
  log(`outage: ${options.calls} live calls, the whole cluster down for ${options.outageS} s`);
  const startedAt = Date.now();
  const live = startSimulator({
    gateway: pipeline.gatewayAddress,
    token: pipeline.token,
    calls: options.calls,
    wavPath: options.callSet.audioPath,
    speed: 1,
    extraArgs: ['--call-id-prefix', `outage-${options.suffix}`],
    log: () => undefined,
  });
  const downAt = 5;
  await runTimeline(
    [
      {
        name: 'SIGKILL every broker',
        atS: downAt,
        run: async () => void (await Promise.all(cluster.nodes.map((node) => node.kill('SIGKILL')))),
      },
      { name: 'a new call', atS: downAt + 8, run: probe(1) },
      { name: 'a new call', atS: downAt + 14, run: probe(2) },
      {
        name: 'start every broker again',
        atS: downAt + options.outageS,
        run: async () => void (await Promise.all(cluster.nodes.map((node) => node.restart()))),
      },
    ],
    startedAt,
    log,
  );
  const backAt = Date.now();
  // Served again: a new call, retried after the delay the gateway asks for, until it is taken.
  const after = toTelephoneCall(`outage-after-${options.suffix}`, syntheticCall(6, 70));
  let afterResult = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, after, { speed: 2 });
  let attempts = 1;
  while (afterResult.code !== 0 && Date.now() - backAt < 120_000) {
    await sleep(afterResult.retryPushbackMs ?? 2_000);
    afterResult = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, after, { speed: 2 });
    attempts += 1;
  }
  const liveExit = await live.done;
  const summary = live.summary() as { statuses?: Record<string, number> } | null;
  clearInterval(sampler);
  const exited = children().filter((child) => startedChildren.has(child) && child.exitCode !== null).length;
  return {
    outage_s: options.outageS,
    live_calls: options.calls,
    live_call_statuses: summary?.statuses ?? null,
    live_simulator_exit: liveExit,
    new_calls_during_outage: probes,
    gateway_pending_bytes_max: pendingMax,
    gateway_broker_stall_s_max: Math.round(stallMax * 10) / 10,
    gateway_peak_rss_mb_before: rssBefore === null ? null : Math.round(rssBefore),
    gateway_peak_rss_mb_after: Math.round(peakRssMb(gatewayPid()) ?? 0),
    processes_exited: exited,
    call_after_recovery_status: afterResult.code,
    call_after_recovery_attempts: attempts,
    call_after_recovery_s: Math.round((Date.now() - backAt) / 100) / 10,
  };
}
