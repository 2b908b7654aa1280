// npm run bench:store — the call store's speed, printed as ONE JSON object on stdout (progress on
// stderr): sustained ingest of 200 live calls (every window of both speakers, their emotion events
// and dynamics, decoded from protobuf records and validated, as the Kafka ingest does) into PGlite
// and PostgreSQL; the QA API's timeline of a 30-minute call; search over 100 000 stored calls.
// Options: --calls N (200) --seconds S (60) --search-calls N (100000) --queries N (200).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intArg, parseCli } from '../services/shared/cli-args.ts';
import { findPostgres } from '../devkit/postgres/local-postgres.ts';
import type { StoreEvent } from '../services/call-store/events.ts';
import { parseStoreEvent } from '../services/call-store/events.ts';
import { issueToken } from '../services/shared/auth/tokens.ts';
import { startQaServer } from '../services/call-store/http/server.ts';
import { STORE_TOPICS } from '../services/call-store/ingest/consumer.ts';
import { toKafka } from '../devkit/records/store-records.ts';
import { decodeStoreRecord, type StoreTopic } from '../services/call-store/ingest/map-records.ts';
import { openCallStore, type CallStore } from '../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../devkit/records/store-call.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';

const USAGE =
  'usage: npm run bench:store -- [--calls 200] [--seconds 60] [--search-calls 100000] [--queries 200]';
const { values: args } = parseCli('bench:store', USAGE, {
  options: {
    calls: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    'search-calls': { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
  },
});
const CALLS = intArg('bench:store', USAGE, 'calls', args.calls, { min: 1 });
const SECONDS = intArg('bench:store', USAGE, 'seconds', args.seconds, { min: 5 });
const SEARCH_CALLS = intArg('bench:store', USAGE, 'search-calls', args['search-calls'], { min: 1 });
const QUERIES = intArg('bench:store', USAGE, 'queries', args.queries, { min: 1 });
const log = (message: string) => process.stderr.write(`[bench:store] ${message}\n`);
const p95 = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] * 10) / 10;
};

type Encoded = { family: StoreTopic; value: Buffer; headers: Record<string, string> };
const familyOf = new Map(
  Object.entries(STORE_TOPICS).map(([family, topic]) => [topic, family as StoreTopic]),
);
const encode = (events: StoreEvent[]): Encoded[] =>
  toKafka(events, STORE_TOPICS).flatMap((t) =>
    t.messages.map((m) => ({
      family: familyOf.get(t.topic) as StoreTopic,
      value: m.value,
      headers: m.headers,
    })),
  );

/** One batch per second of audio: every call's windows of that second, as the live topics carry them. */
function liveBatches(): { starts: Encoded[]; seconds: Encoded[][]; events: number } {
  const calls = Array.from({ length: CALLS }, (_, i) =>
    syntheticStoreCall({
      callId: `bench-live-${i}`,
      durationS: SECONDS + 1,
      angryFromS: 20,
      angryToS: 40,
      seed: i,
    }),
  );
  const seconds: Encoded[][] = [];
  let events = 0;
  for (let s = 0; s < SECONDS; s++) {
    // Per window: agent features, agent emotion, customer features, customer emotion, dynamics.
    const batch = calls.flatMap((call) => call.body.slice(s * 5, s * 5 + 5));
    events += batch.length;
    seconds.push(encode(batch));
  }
  return { starts: encode(calls.map((c) => c.start)), seconds, events };
}

async function ingestRate(store: CallStore, data: ReturnType<typeof liveBatches>): Promise<number> {
  const write = async (batch: Encoded[]) =>
    store.writeValid(batch.map((r) => parseStoreEvent(decodeStoreRecord(r.family, r.value, r.headers))));
  await write(data.starts);
  const started = performance.now();
  for (const batch of data.seconds) await write(batch);
  const seconds = (performance.now() - started) / 1000;
  return Math.round(data.events / seconds);
}

/** 100 000 call summaries for search, written with one INSERT … SELECT per 10 000. */
async function seedSearchCalls(store: CallStore): Promise<void> {
  for (let from = 0; from < SEARCH_CALLS; from += 10_000) {
    await store.backend.query(
      `INSERT INTO calls (call_id, tenant, agent_id, queue, started_at, ended_at, duration_ms, status,
         customer_anger_s, alerts_count, unacked_alerts, trajectory, score, summary)
       SELECT 'bench-search-' || g, 'acme', 'agent-' || (g % 500), 'queue-' || (g % 12),
         timestamptz '2026-01-01' + g * interval '4 minutes', timestamptz '2026-01-01' + g * interval '4 minutes' + interval '5 minutes',
         300000, 'ended', (g * 7919 % 1000) / 10.0, g % 4, CASE WHEN g % 8 = 0 THEN 1 ELSE 0 END,
         ((g * 104729 % 200) - 100) / 100.0, g * 31 % 101, '{}'::jsonb
       FROM generate_series($1::bigint, $2::bigint) AS g`,
      [from, Math.min(SEARCH_CALLS, from + 10_000) - 1],
    );
  }
  await store.backend.query('ANALYZE calls');
}

async function apiTimings(store: CallStore, longCallId: string) {
  const tokens = {
    secret: new TextEncoder().encode('bench-secret-of-at-least-32-bytes!'),
    issuer: 'va',
    audience: 'va',
  };
  const server = await startQaServer({ store, tokens, port: 0 });
  const token = await issueToken(tokens, {
    userId: 'bench',
    role: 'qa_reviewer',
    tenant: 'acme',
    agentId: null,
    teams: [],
  });
  const get = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { nextCursor?: string | null };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, body };
  };
  const timelineP95 = async () => {
    const samples: number[] = [];
    for (let i = 0; i < Math.max(20, QUERIES / 4); i++) {
      samples.push((await get(`/calls/${longCallId}/timeline`)).ms);
    }
    return p95(samples);
  };
  // A finished call: its timeline was stored at call end. Then the same call built from the tables
  // (what a live call, or a finished one whose stored copy was dropped by a late event, costs).
  const timeline = await timelineP95();
  await store.backend.query('DELETE FROM call_timelines WHERE call_id = $1', [longCallId]);
  const timelineUncached = await timelineP95();
  const searches = [
    '/calls',
    '/calls?agentId=agent-17',
    '/calls?minCustomerAngerS=60',
    '/calls?alerts=unacknowledged&sort=customerAngerS',
    '/calls?trajectory=worsened&sort=score&order=asc',
    '/calls?minScore=40&maxScore=60&queue=queue-3',
    '/calls?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z&limit=100',
    '/calls?sort=durationMs&limit=20',
  ];
  const search: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const first = await get(searches[i % searches.length]);
    search.push(first.ms);
    // Every other query also fetches the next page through the cursor.
    if (i % 2 === 1 && first.body.nextCursor) {
      const sep = searches[i % searches.length].includes('?') ? '&' : '?';
      search.push((await get(`${searches[i % searches.length]}${sep}cursor=${first.body.nextCursor}`)).ms);
    }
  }
  await server.close();
  return {
    timeline_ms_p95: timeline,
    timeline_ms_p95_uncached: timelineUncached,
    search_ms_p95: p95(search),
    searches: search.length,
  };
}

/** Undone in reverse order at the end, on failure and on Ctrl-C: no stray server or temp folder. */
const cleanups: (() => Promise<unknown> | unknown)[] = [];
async function cleanup() {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()?.()).catch(() => undefined);
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

async function main() {
  log(`generating ${CALLS} calls x ${SECONDS} s of windows`);
  const data = liveBatches();
  const dataDir = mkdtempSync(join(tmpdir(), 'va-bench-pglite-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const pglite = await openCallStore({ dataDir });
  cleanups.push(() => pglite.close());
  log('ingest into PGlite (data folder)');
  const pgliteRate = await ingestRate(pglite, data);
  log(`PGlite ${pgliteRate} events/s`);

  const server = await findPostgres();
  cleanups.push(() => server.stop());
  const postgres = await openCallStore({ databaseUrl: server.url, poolSize: 8 });
  cleanups.push(() => postgres.close());
  log(`ingest into PostgreSQL (${server.source})`);
  const postgresRate = await ingestRate(postgres, data);
  log(`PostgreSQL ${postgresRate} events/s`);

  log('storing a 30-minute call and 100 000 call summaries');
  const long = syntheticStoreCall({
    callId: 'bench-30min',
    durationS: 1800,
    angryFromS: 300,
    angryToS: 700,
    alert: true,
    ackAfterS: 20,
  });
  const results: Record<string, unknown> = {};
  for (const [name, store] of [
    ['postgres', postgres],
    ['pglite', pglite],
  ] as const) {
    const events = syntheticEvents(long);
    for (let i = 0; i < events.length; i += 2000) await store.writeValid(events.slice(i, i + 2000));
    await store.finalizeCall('acme', 'bench-30min');
    await seedSearchCalls(store);
    log(`${name}: measuring the API`);
    results[name] = await apiTimings(store, 'bench-30min');
  }
  const pg = results.postgres as Awaited<ReturnType<typeof apiTimings>>;
  const lite = results.pglite as Awaited<ReturnType<typeof apiTimings>>;
  const needed = CALLS * 5;
  emitBenchmark('store', {
    calls: CALLS,
    seconds_of_audio: SECONDS,
    events: data.events,
    events_needed_per_s: needed,
    events_per_s_pglite: pgliteRate,
    events_per_s_postgres: postgresRate,
    live_calls_sustained_postgres: Math.floor(postgresRate / 5),
    live_calls_sustained_pglite: Math.floor(pgliteRate / 5),
    timeline_windows: 2 * Math.floor((1800 * 1000 - 2000) / 1000 + 1),
    timeline_ms_p95: pg.timeline_ms_p95,
    timeline_ms_p95_uncached: pg.timeline_ms_p95_uncached,
    timeline_ms_p95_pglite: lite.timeline_ms_p95,
    timeline_ms_p95_pglite_uncached: lite.timeline_ms_p95_uncached,
    stored_calls: SEARCH_CALLS + CALLS + 1,
    search_queries: pg.searches,
    search_ms_p95: pg.search_ms_p95,
    search_ms_p95_pglite: lite.search_ms_p95,
    postgres_source: server.source,
  });
}

try {
  await main();
} finally {
  await cleanup();
}
