// `npm run bench:alerts -- [--clients 1000] [--slow 10] [--calls 20] [--seconds 40]`: the
// alert-service under load. Starts a broker (devkit/kafka/find-broker.ts) and the alert-service
// as a child process, connects N real WebSocket clients (supervisors and agents; `--slow` of them
// stop reading), streams emotion and feature records of concurrent calls in real time to Kafka
// (customers turn angry, calm down, agents speed up: alerts fire), and measures push latency from
// the moment the record completing a rule's condition is sent to Kafka to the alert frame being
// received by each client allowed to see it. Prints ONE JSON object; progress on stderr.
// I/O: processes, Kafka, HTTP, WebSocket.
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { intArg, parseCli } from '../services/shared/cli-args.ts';
import WebSocket from 'ws';
import { freePort } from '../devkit/free-port.ts';
import { sendRecords, type OutRecord } from '../services/shared/producer.ts';
import { callStarted, emotionOut, emotionRecord, featuresOut } from '../devkit/records/alert-records.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';
import {
  demoLogin,
  startAlertBench,
  startAlertServiceProcess,
  stopChild,
} from './lib/alert-service-process.ts';

const USAGE = 'usage: npm run bench:alerts -- [--clients 1000] [--slow 10] [--calls 20] [--seconds 40]';
const { values } = parseCli('bench:alerts', USAGE, {
  options: {
    clients: { type: 'string', default: '1000' },
    slow: { type: 'string', default: '10' },
    calls: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '40' },
  },
});
const CLIENTS = intArg('bench:alerts', USAGE, 'clients', values.clients, { min: 1 });
const SLOW = intArg('bench:alerts', USAGE, 'slow', values.slow, { min: 0, max: CLIENTS });
const CALLS = intArg('bench:alerts', USAGE, 'calls', values.calls, { min: 1 });
const SECONDS = intArg('bench:alerts', USAGE, 'seconds', values.seconds, { min: 5 });
const AGENTS = ['agent-1', 'agent-2', 'agent-3', 'agent-4'];
const log = (msg: string): void => void process.stderr.write(`[bench:alerts] ${msg}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Slow clients the service itself closed (send buffer limit or missed heartbeat), from /metrics. */
async function serviceDroppedSlow(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('va_alert_ws_events_total') && l.includes('event="closed_slow"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * The record an alert came from. Alert ids are `${tenant}/${callId}:${subject}:${window}:${rule}`
 * (the engine keys calls by tenant, so two tenants' call ids never meet); this bench's records
 * carry the bare call id.
 */
function alertSource(alertId: string): { callId: string; channel: string; windowIndex: string } {
  const [scopedCallId, channel, windowIndex] = alertId.split(':');
  return { callId: scopedCallId.slice(scopedCallId.indexOf('/') + 1), channel, windowIndex };
}

/** When the service's rules engine raised each alert (from the frames; same machine clock). */
const firedAt = new Map<string, number>();

interface BenchClient {
  ws: WebSocket;
  agentId: string | null;
  slow: boolean;
  received: Map<string, number>;
}

async function connectClient(
  port: number,
  token: string,
  agentId: string | null,
  slow: boolean,
): Promise<BenchClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
  const received = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      // Only alert frames matter here: the others are told apart by their first bytes, unparsed
      // (1000 real clients would each run on their own machine).
      const head = data.toString('latin1', 0, 18);
      if (head.startsWith('{"type":"alert"')) {
        const at = Date.now();
        const text = data.toString('utf8');
        const alertId = /"alertId":"([^"]+)"/.exec(text)![1];
        if (!received.has(alertId)) received.set(alertId, at);
        firedAt.set(alertId, Number(/"firedAtMs":(\d+)/.exec(text)![1]));
      } else if (head.startsWith('{"type":"snapshot"')) resolve();
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
  });
  if (slow) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return { ws, agentId, slow, received };
}

const bench = await startAlertBench('bench-alerts');
const { producer, prefix, topics } = bench;
let service: ChildProcess | null = null;
const opsPort = await freePort();
try {
  const started = await startAlertServiceProcess({
    ...bench.env,
    HTTP_PORT: String(opsPort),
    ALERT_PORT: String(await freePort()),
    ALERT_HEARTBEAT_MS: '5000',
    ALERT_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(24).toString('hex'),
    ALERT_MAX_BUFFERED_BYTES: '65536',
    // The bench's clients are one supervisor's and a few agents' wallboards from one address: the
    // per-user (10), per-address (500) and unauthenticated (20 per address) socket caps would refuse them, and a refused client waits
    // for its snapshot forever. The caps are tested by test/int/security/wallboard-sockets.test.ts.
    ALERT_WS_MAX_PER_USER: '0',
    ALERT_WS_MAX_PER_ADDRESS: '0',
    ALERT_WS_MAX_UNAUTHENTICATED: '0',
    ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS: '0',
  });
  service = started.child;
  const { port } = started;
  log(`alert-service on port ${port}; connecting ${CLIENTS} clients (${SLOW} slow)`);
  const supervisorToken = await demoLogin(port, 'supervisor');
  const agentTokens = new Map<string, string>();
  for (const a of AGENTS) agentTokens.set(a, await demoLogin(port, a));

  const clients: BenchClient[] = [];
  for (let k = 0; k < CLIENTS; k += 50) {
    const batch = [];
    for (let j = k; j < Math.min(CLIENTS, k + 50); j += 1) {
      const agentId = j % 10 === 9 ? AGENTS[j % AGENTS.length] : null; // one in ten is an agent
      batch.push(
        connectClient(port, agentId ? agentTokens.get(agentId)! : supervisorToken, agentId, j < SLOW),
      );
    }
    clients.push(...(await Promise.all(batch)));
  }
  log(`${clients.length} clients connected; streaming ${CALLS} calls for ${SECONDS} s`);

  const callIds = Array.from({ length: CALLS }, (_, c) => `${prefix}-call-${c}`);
  const agentOf = new Map(callIds.map((id, c) => [id, AGENTS[c % AGENTS.length]]));
  await sendRecords(
    producer,
    callIds.map((callId) => callStarted(topics.calls, callId, agentOf.get(callId)!, 'bench-queue')),
  );
  await new Promise((r) => setTimeout(r, 1000));

  // When the record of `${callId}:${channel}:${window}` was handed to Kafka.
  const sentAt = new Map<string, number>();
  const t0 = Date.now();
  for (let i = 0; i < SECONDS; i += 1) {
    const now = Date.now();
    const out: OutRecord[] = [];
    callIds.forEach((callId, c) => {
      // Each call: calm, angry for 8 s from a staggered start, calm again (recovery); repeats every 30 s.
      const phase = (i + c * 3) % 30;
      const mood = phase >= 10 && phase < 18 ? 'angry' : 'neutral';
      out.push(emotionOut(topics.emotions, emotionRecord(callId, 'customer', i, mood, now)));
      out.push(emotionOut(topics.emotions, emotionRecord(callId, 'agent', i, 'neutral', now)));
      out.push(
        featuresOut(
          topics.features,
          callId,
          'agent',
          i,
          { tension: 0.3, rate: c % 4 === 0 ? 7.6 : 4.0 },
          now,
        ),
      );
      sentAt.set(`${callId}:customer:${i}`, now);
      sentAt.set(`${callId}:agent:${i}`, now);
    });
    await sendRecords(producer, out);
    const next = t0 + (i + 1) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await new Promise((r) => setTimeout(r, 3000));

  // Every alert any client saw, and who should have seen it (supervisors: all; agents: own calls).
  const alertIds = new Set<string>();
  for (const client of clients) for (const id of client.received.keys()) alertIds.add(id);
  const latencies: number[] = [];
  let missed = 0;
  for (const alertId of alertIds) {
    const { callId, channel, windowIndex } = alertSource(alertId);
    const sent = sentAt.get(`${callId}:${channel === 'call' ? 'agent' : channel}:${windowIndex}`);
    for (const client of clients) {
      if (client.slow) continue;
      const supervisorAudience = !alertId.includes('agent-too-fast') || alertId.endsWith('.escalated');
      const eligible =
        client.agentId === null
          ? supervisorAudience
          : client.agentId === agentOf.get(callId) && !alertId.endsWith('.escalated');
      const at = client.received.get(alertId);
      if (!eligible) continue;
      if (at === undefined || sent === undefined) missed += 1;
      else latencies.push(at - sent);
    }
  }
  latencies.sort((a, b) => a - b);
  // Where the time goes: record sent -> rule fired (Kafka, consumer), rule fired -> frame received.
  const toRule: number[] = [];
  const toClient: number[] = [];
  for (const alertId of alertIds) {
    const { callId, channel, windowIndex } = alertSource(alertId);
    const sent = sentAt.get(`${callId}:${channel === 'call' ? 'agent' : channel}:${windowIndex}`);
    const fired = firedAt.get(alertId);
    if (sent !== undefined && fired !== undefined) toRule.push(fired - sent);
    for (const client of clients) {
      const at = client.received.get(alertId);
      if (!client.slow && at !== undefined && fired !== undefined) toClient.push(at - fired);
    }
  }
  toRule.sort((a, b) => a - b);
  toClient.sort((a, b) => a - b);
  const droppedSlow = await serviceDroppedSlow(opsPort);
  const result = {
    ws_clients: clients.length,
    alerts: alertIds.size,
    push_latency_ms_p50: percentile(latencies, 50),
    push_latency_ms_p99: percentile(latencies, 99),
    dropped_slow_clients: droppedSlow,
    slow_clients: SLOW,
    slow_clients_not_dropped: SLOW - Math.min(SLOW, droppedSlow),
    fast_clients_still_open: clients.filter((c) => !c.slow && c.ws.readyState === WebSocket.OPEN).length,
    calls: CALLS,
    seconds: SECONDS,
    deliveries: latencies.length,
    missed_deliveries: missed,
    push_latency_ms_max: latencies.at(-1) ?? NaN,
    sent_to_rule_ms_p50: percentile(toRule, 50),
    sent_to_rule_ms_p99: percentile(toRule, 99),
    rule_to_client_ms_p50: percentile(toClient, 50),
    rule_to_client_ms_p99: percentile(toClient, 99),
    load_average_1m: Number(loadavg()[0].toFixed(1)),
  };
  for (const client of clients) client.ws.terminate();
  emitBenchmark('alerts', result);
} finally {
  // The service before the topics and the broker, and only once it has exited: otherwise it logs
  // connection errors after the result is printed.
  await stopChild(service);
  await bench.close();
}
