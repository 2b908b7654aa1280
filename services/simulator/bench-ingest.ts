// `npm run bench:ingest -- [--protocol grpc|twilio|l16ws|audiohook] --calls N --seconds S`: the ingest edge
// alone under load, through gRPC (the simulator) or one of the adapters, each protocol's set-up and
// load client in its own module (bench-protocols/). Starts a broker (devkit/kafka/find-broker.ts),
// the gateway and the load client as child processes, streams N concurrent stereo calls in real
// time, and prints ONE JSON object: calls ok, frames sent / accepted / lost, gateway CPU per
// call-second and RSS, the delay batching + produce adds (p50/p95/p99 from the gateway's histogram:
// bucket upper bounds), client CPU and pacing. I/O: processes, Kafka, sockets, HTTP.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { findBroker } from '../../devkit/kafka/find-broker.ts';
import { freePort } from '../../devkit/free-port.ts';
import { audiohookProtocol } from './bench-protocols/audiohook.ts';
import { grpcProtocol } from './bench-protocols/grpc.ts';
import { l16wsProtocol } from './bench-protocols/l16ws.ts';
import type { BenchProtocolFactory } from './bench-protocols/protocol.ts';
import { twilioProtocol } from './bench-protocols/twilio.ts';
import { emitBenchmark } from '../../scripts/lib/benchmarks/store.ts';

/** One line per protocol: its module's factory. */
const PROTOCOLS = {
  grpc: grpcProtocol,
  twilio: twilioProtocol,
  l16ws: l16wsProtocol,
  audiohook: audiohookProtocol,
} satisfies Record<string, BenchProtocolFactory>;

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = `usage: npm run bench:ingest -- [--protocol ${Object.keys(PROTOCOLS).join('|')}] --calls N --seconds S (>= 2)`;
const { values } = parseCli('bench:ingest', USAGE, {
  options: {
    calls: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    protocol: { type: 'string', default: 'grpc' },
  },
});
const protocol = values.protocol as keyof typeof PROTOCOLS;
const calls = Number(values.calls);
const seconds = Number(values.seconds);
if (!Number.isInteger(calls) || calls < 1 || !(seconds >= 2) || !(protocol in PROTOCOLS)) {
  usageExit('bench:ingest', USAGE, 'a count, duration or protocol out of range');
}
const log = (msg: string): void => void process.stderr.write(`[bench:ingest] ${msg}\n`);

/** Sum of a metric's samples (all label sets), or of one histogram bucket set. */
function metricValues(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(\S+?)(\{[^}]*\})? ([\d.e+-]+|\+Inf)$/.exec(line);
    if (match && match[1] === name) out.set(match[2] ?? '', Number(match[3]));
  }
  return out;
}
const total = (text: string, name: string): number =>
  [...metricValues(text, name).values()].reduce((a, b) => a + b, 0);

function histogramQuantiles(before: string, after: string, name: string, qs: number[]): (number | null)[] {
  const b = metricValues(before, `${name}_bucket`);
  const a = metricValues(after, `${name}_bucket`);
  const buckets = [...a].map(([labels, value]) => {
    const le = /le="([^"]+)"/.exec(labels)?.[1] ?? '+Inf';
    return { le: le === '+Inf' ? Infinity : Number(le), count: value - (b.get(labels) ?? 0) };
  });
  buckets.sort((x, y) => x.le - y.le);
  const count = buckets.at(-1)?.count ?? 0;
  return qs.map((q) => {
    if (count === 0) return null;
    const hit = buckets.find((bucket) => bucket.count >= q * count);
    return hit && Number.isFinite(hit.le) ? Math.round(hit.le * 1000) : null;
  });
}

const broker = await findBroker();
log(`kafka ${broker.source} ${broker.brokers.join(',')}`);
const suffix = randomBytes(3).toString('hex');
const token = `bench-${randomBytes(12).toString('hex')}`;
const [grpcPort, httpPort] = [await freePort(), await freePort()];
const load = await PROTOCOLS[protocol]();
const gateway = spawn(process.execPath, [join(root, 'services/ingest-gateway/main.ts')], {
  env: {
    ...process.env,
    KAFKA_BROKERS: broker.brokers.join(','),
    TOPIC_REPLICATION_FACTOR: String(broker.replication.replicationFactor),
    TOPIC_MIN_INSYNC_REPLICAS: String(broker.replication.minInsyncReplicas),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    HTTP_PORT: String(httpPort),
    TENANT_TOKENS: `bench=${token}`,
    // One tenant streams every call: it may use the whole gateway (MAX_LIVE_CALLS, default 2000).
    MAX_LIVE_CALLS_PER_TENANT: '2000',
    AUDIO_TOPIC: `bench.audio.${suffix}`,
    CALLS_TOPIC: `bench.calls.${suffix}`,
    LOG_LEVEL: 'warn',
    ...load.gatewayEnv,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
/** Calls the gateway ended with an error, by code (its `call rejected` warnings; never audio). */
const rejected: Record<string, number> = {};
let pending = '';
gateway.stdout.on('data', (chunk: Buffer) => {
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const code = /"msg":"call rejected".*?"code":"([A-Z_]+)"/.exec(line)?.[1];
    if (code) rejected[code] = (rejected[code] ?? 0) + 1;
  }
});
log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`,
);
const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();

let summary: Record<string, unknown> | null = null;
try {
  for (let i = 0; ; i += 1) {
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 120) throw new Error('the gateway did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const before = await metrics();
  const startedAt = performance.now();
  log(`streaming ${calls} calls of ${seconds} s in real time`);
  const simulator = load.startClient({
    calls,
    seconds,
    staggerMs: Math.min(20, 1000 / calls),
    grpcPort,
    token,
  });
  let out = '';
  simulator.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => simulator.once('exit', resolve));
  const wall = (performance.now() - startedAt) / 1000;
  const after = await metrics();
  const sim = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  const [p50, p95, p99] = histogramQuantiles(
    before,
    after,
    'va_ingest_chunk_delay_seconds',
    [0.5, 0.95, 0.99],
  );
  const produce = histogramQuantiles(before, after, 'va_processing_seconds', [0.5, 0.99]);
  const cpu = total(after, 'va_process_cpu_seconds_total') - total(before, 'va_process_cpu_seconds_total');
  const frames = total(after, 'va_ingest_frames_total') - total(before, 'va_ingest_frames_total');
  summary = {
    protocol,
    calls,
    seconds,
    calls_ok: sim.ok ?? 0,
    frames_sent: sim.frames_sent ?? 0,
    frames_accepted: frames,
    // Sent by the client but never accepted by the gateway (refused, dropped): must be 0.
    frames_lost: (sim.frames_sent ?? 0) - frames,
    calls_rejected: rejected,
    chunks_out: total(after, 'va_records_out_total') - total(before, 'va_records_out_total'),
    backpressure_pauses: total(after, 'va_ingest_backpressure_pauses_total'),
    chunk_delay_ms_p50_le: p50,
    chunk_delay_ms_p95_le: p95,
    chunk_delay_ms_p99_le: p99,
    produce_ms_p50_le: produce[0],
    produce_ms_p99_le: produce[1],
    gateway_cpu_cores: Math.round((cpu / wall) * 100) / 100,
    // Per second of one party's audio accepted (a frame = 20 ms of one channel): comparable
    // across protocols whatever their frame layout.
    gateway_cpu_ms_per_channel_second:
      frames > 0 ? Math.round(((cpu * 1000) / (frames * 0.02)) * 1000) / 1000 : null,
    // Per second of a stereo call (two channel frames per 20 ms): the adapter's cost per call.
    gateway_cpu_ms_per_call_second:
      frames > 0 ? Math.round(((cpu * 1000) / (frames * 0.01)) * 1000) / 1000 : null,
    // The gateway's event-loop delay over the run (prom-client resets it at each scrape): a
    // starved or overloaded loop fires the batching timers late, which the chunk delay then shows.
    gateway_event_loop_lag_ms_p99: Math.round(total(after, 'va_nodejs_eventloop_lag_p99_seconds') * 1000),
    gateway_event_loop_lag_ms_max: Math.round(total(after, 'va_nodejs_eventloop_lag_max_seconds') * 1000),
    gateway_rss_mb: Math.round(total(after, 'va_process_resident_memory_bytes') / 1e6),
    simulator_cpu_cores:
      sim.cpu_seconds === undefined ? null : Math.round((sim.cpu_seconds / wall) * 100) / 100,
    simulator_max_frame_late_ms: sim.max_frame_late_ms ?? null,
    wall_seconds: Math.round(wall * 10) / 10,
  };
} finally {
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  await broker.stop();
}
emitBenchmark(`ingest-${protocol}`, summary);
