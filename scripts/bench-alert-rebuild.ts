// `npm run bench:alert-rebuild -- [--calls 300] [--minutes 10]`: how long a restarted alert
// service takes to rebuild the live view of the calls in progress (ALERT_LIVE_REBUILD_MS: the
// fan-out re-reads the last minutes of va.emotions.v1 and va.features.v1). Writes `--minutes` of
// history of `--calls` live calls to Kafka (per call and second: the customer's and the agent's
// emotion windows and features windows, timestamped over the last minutes), starts the service as
// a child process and measures from its spawn to /readyz and to the moment a supervisor's
// snapshot shows every call rebuilt (each call's every customer window on its mood count, the
// agent's voice-stress baseline learnt from the call start). Prints ONE JSON object; progress on
// stderr. I/O: processes, Kafka, HTTP, WebSocket.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { freePort } from '../devkit/free-port.ts';
import { callEventRecord } from '../devkit/records/call-event.ts';
import { emotionOut, emotionRecord, featuresOut } from '../devkit/records/alert-records.ts';
import type { CallView } from '../services/alert-service/protocol.ts';
import { intArg, parseCli } from '../services/shared/cli-args.ts';
import { outRecord, sendRecords, type OutRecord } from '../services/shared/producer.ts';
import { callEventCodec } from '../services/shared/records.ts';
import {
  demoLogin,
  startAlertBench,
  startAlertServiceProcess,
  stopChild,
} from './lib/alert-service-process.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';

const USAGE = 'usage: npm run bench:alert-rebuild -- [--calls 300] [--minutes 10]';
const { values } = parseCli('bench:alert-rebuild', USAGE, {
  options: {
    calls: { type: 'string', default: '300' },
    minutes: { type: 'string', default: '10' },
  },
});
const CALLS = intArg('bench:alert-rebuild', USAGE, 'calls', values.calls, { min: 1 });
const SECONDS = intArg('bench:alert-rebuild', USAGE, 'minutes', values.minutes, { min: 1 }) * 60;
const log = (msg: string): void => void process.stderr.write(`[bench:alert-rebuild] ${msg}\n`);

/** A record stamped `atMs` on the broker (the fan-out finds its start by record time). */
const at = (record: OutRecord, atMs: number): OutRecord => ({
  ...record,
  message: { ...record.message, timestamp: String(atMs) },
});

/** The calls of a fresh supervisor snapshot. */
async function snapshotCalls(port: number, token: string): Promise<CallView[]> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
  try {
    return await new Promise<CallView[]>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; calls?: CallView[] };
        if (frame.type === 'snapshot') resolve(frame.calls ?? []);
      });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    });
  } finally {
    ws.terminate();
  }
}

const bench = await startAlertBench('bench-alert-rebuild');
const { producer, prefix, topics } = bench;
let service: ChildProcess | null = null;
try {
  const callIds = Array.from({ length: CALLS }, (_, c) => `${prefix}-call-${c}`);
  const startMs = Date.now() - SECONDS * 1000;
  await sendRecords(
    producer,
    callIds.map((callId, c) =>
      outRecord(
        topics.calls,
        callEventCodec,
        callId,
        callEventRecord(callId, { agentId: `agent-${(c % 3) + 1}`, queue: 'bench', startTimeMs: startMs }),
      ),
    ),
  );
  const produceStarted = performance.now();
  let records = 0;
  for (let s = 0; s < SECONDS; s += 1) {
    const atMs = startMs + s * 1000;
    const out: OutRecord[] = [];
    for (const callId of callIds) {
      out.push(at(emotionOut(topics.emotions, emotionRecord(callId, 'customer', s, 'neutral', atMs)), atMs));
      out.push(at(emotionOut(topics.emotions, emotionRecord(callId, 'agent', s, 'neutral', atMs)), atMs));
      for (const channel of ['agent', 'customer'] as const)
        out.push(at(featuresOut(topics.features, callId, channel, s, { tension: 0.3, rate: 4 }, atMs), atMs));
    }
    await sendRecords(producer, out);
    records += out.length;
  }
  const produceS = (performance.now() - produceStarted) / 1000;
  log(`${records} records of ${CALLS} calls over ${SECONDS} s written in ${produceS.toFixed(1)} s`);

  const [httpPort, alertPort] = [await freePort(), await freePort()];
  // Reaches back to the first record however long writing them took.
  const rebuildMs = Date.now() - startMs + 60_000;
  const spawned = performance.now();
  const started = await startAlertServiceProcess({
    ...bench.env,
    HTTP_PORT: String(httpPort),
    ALERT_PORT: String(alertPort),
    ALERT_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ALERT_LIVE_REBUILD_MS: String(rebuildMs),
    JWT_SECRET: randomBytes(24).toString('hex'),
  });
  service = started.child;
  const readyS = (performance.now() - spawned) / 1000;
  log(`ready after ${readyS.toFixed(1)} s; waiting for the live view of every call`);
  const token = await demoLogin(started.port, 'supervisor');
  const ours = new Set(callIds);
  let rebuilt = 0;
  for (;;) {
    const calls = (await snapshotCalls(started.port, token)).filter((c) => ours.has(c.callId));
    rebuilt = calls.filter((c) => c.moodPoints === SECONDS && c.agent.tensionFrom === 'call-start').length;
    if (rebuilt === CALLS || performance.now() - spawned > 600_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const rebuiltS = (performance.now() - spawned) / 1000;
  emitBenchmark('alert-rebuild', {
    calls: CALLS,
    history_s: SECONDS,
    records,
    calls_rebuilt: rebuilt,
    spawn_to_ready_s: Number(readyS.toFixed(1)),
    spawn_to_rebuilt_s: Number(rebuiltS.toFixed(1)),
    records_per_s_rebuilt: Math.round(records / rebuiltS),
    load_average_1m: Number(loadavg()[0].toFixed(1)),
  });
} finally {
  // The service before the topics and the broker: no error log after the result.
  await stopChild(service);
  await bench.close();
}
