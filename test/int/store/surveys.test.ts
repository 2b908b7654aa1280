// Post-call surveys: import by JSON and CSV on every backend (bad rows reported with their line or
// index and a stable code, good rows kept, re-import idempotent, CSAT and NPS merged, purged with
// their call), the QA API's scoping, and the CSAT/NPS report recovering a planted effect from
// generated calls (and finding none in noise), the same through `npm run report:csat`.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { BACKENDS } from './backends.ts';
import { expectDocumented } from './openapi.ts';
import { plantedSurveys, surveyCsv, writeSurveyCalls } from './survey-data.ts';

const acme = { tenant: 'acme', agentId: null, teams: null };

describe.each(BACKENDS.map((make) => [make().name, make] as const))('surveys on %s', (_name, make) => {
  const fixture = make();
  let store: CallStore;
  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
    for (const [tenant, callId] of [
      ['acme', 'c-1'],
      ['acme', 'c-2'],
      ['acme', 'c-3'],
      ['globex', 'g-1'],
    ]) {
      await store.write(syntheticEvents(syntheticStoreCall({ callId, tenant, durationS: 20 })));
    }
    await store.finalizePending(0);
  });
  afterAll(() => fixture.teardown());

  const stored = () =>
    store.backend.query<{ tenant: string; call_id: string; csat: number | null; nps: number | null }>(
      'SELECT tenant, call_id, csat, nps FROM surveys ORDER BY tenant, call_id',
    );

  it('keeps good rows, reports each bad one with its index and code, and changes nothing on re-import', async () => {
    const rows = [
      { callId: 'c-1', csat: 4, nps: 9, respondedAt: '2026-11-20T10:00:00Z' },
      { callId: 'c-2', csat: 6 },
      { callId: 'c-2', nps: 'nine' },
      { callId: 'c-2' },
      { callId: 'c-1', csat: 1 },
      { callId: 'g-1', csat: 5 },
      'not an object',
      { callId: 'c-3', csat: 2, respondedAt: 'yesterday' },
      { callId: 'c-3', nps: 3, agent: 'x' },
      { callId: '', csat: 3 },
      { callId: 'c-2', csat: 3 },
    ].map((raw, index) => ({ at: { index }, raw }));
    const first = await store.importSurveys(acme, rows, 'api');
    expect(first).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(first.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'INVALID_CSAT'],
      [2, 'INVALID_NPS'],
      [3, 'NO_SCORE'],
      [4, 'DUPLICATE_CALL'],
      [5, 'UNKNOWN_CALL'],
      [6, 'MALFORMED_ROW'],
      [7, 'INVALID_TIME'],
      [8, 'MALFORMED_ROW'],
      [9, 'INVALID_CALL_ID'],
    ]);
    expect(await stored()).toEqual([
      { tenant: 'acme', call_id: 'c-1', csat: 4, nps: 9 },
      { tenant: 'acme', call_id: 'c-2', csat: 3, nps: null },
    ]);
    const again = await store.importSurveys(acme, rows, 'api');
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('merges an NPS-only import into the CSAT of the same call', async () => {
    const result = await store.importSurveys(
      acme,
      [{ at: { line: 2 }, raw: { callId: 'c-2', nps: 8 } }],
      'csv',
    );
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, rejected: [] });
    expect((await stored()).find((r) => r.call_id === 'c-2')).toMatchObject({ csat: 3, nps: 8 });
    // The report's query runs on this backend too (too few calls for a rho: nulls, not errors).
    const report = await store.csatReport(acme, { resamples: 100 });
    expect(report).toMatchObject({ calls: 2, withCsat: 2, withNps: 2, model: null });
    expect(report.measures.find((m) => m.name === 'customerAngerS')?.csat).toMatchObject({ n: 2, rho: null });
  });

  it('deletes a call’s survey with the call when retention purges it', async () => {
    await store.purgeExpired({ defaultDays: 1, orphanGraceMs: 0 }, new Date('2027-01-01T00:00:00Z'));
    expect(await stored()).toEqual([]);
  });
});

describe('survey import and report over the QA API', () => {
  const tokens = {
    secret: new TextEncoder().encode('test-secret-of-at-least-32-bytes!!'),
    issuer: 'va-test',
    audience: 'va-test',
  };
  const who: Record<string, Principal> = {
    qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
    northLead: { userId: 'sup-2', role: 'supervisor', tenant: 'acme', agentId: null, teams: ['north'] },
    agent: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'va-surveys-'));
  let store: CallStore;
  let server: QaServer;
  let angerS: Map<string, number>;

  async function api(as: keyof typeof who, path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await issueToken(tokens, who[as])}`);
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers });
    return { status: response.status, body: await response.json() };
  }
  const postCsv = (as: keyof typeof who, csv: string) =>
    api(as, '/surveys', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });

  beforeAll(async () => {
    store = await openCallStore({ dataDir });
    angerS = await writeSurveyCalls(store, 'acme', 150);
    server = await startQaServer({ store, tokens, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a CSV: bad rows come back with their file line and code, good rows are kept', async () => {
    const csv = [
      'Call ID,CSAT,NPS,responded_at',
      'survey-0,5,10,2026-11-20T10:00:00Z',
      'survey-1,0,7,',
      '"survey-2",4,"",',
      'survey-3,4',
      '"survey-4, the ""long"" one",3,3,',
      'survey-5,,,',
      '',
      'survey-6,2,11,',
    ].join('\n');
    const result = await postCsv('qa', csv);
    expect(result.status).toBe(200);
    expectDocumented('/surveys', 'POST', 200, result.body);
    expect(result.body).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(result.body.rejected).toEqual([
      { line: 3, code: 'INVALID_CSAT', message: 'csat: an integer from 1 to 5' },
      { line: 5, code: 'MALFORMED_ROW', message: '2 fields where the header has 4' },
      { line: 6, code: 'UNKNOWN_CALL', message: expect.stringContaining('no call') },
      { line: 7, code: 'NO_SCORE', message: 'a csat or an nps is required' },
      { line: 9, code: 'INVALID_NPS', message: 'nps: an integer from 0 to 10' },
    ]);
    const header = await postCsv('qa', 'call,score\nsurvey-0,5');
    expect(header.status).toBe(400);
    expectDocumented('/surveys', 'POST', 400, header.body);
    expect(header.body.error.details).toContain('line 1: the call_id column is required');
    // A header of 100 000 unknown columns: named a few at a time (one line each was 36× the body).
    const wide = await postCsv('qa', `call_id,csat${',x'.repeat(100_000)}\nsurvey-0,5`);
    expect(wide.status).toBe(400);
    expect(wide.body.error.details).toHaveLength(6);
    expect(wide.body.error.details.at(-1)).toBe('line 1: 99995 more unknown columns');
    expect(wide.body.error.details).not.toContain('line 1: a column is named twice');
  });

  it('lets no agent import and no supervisor reach another team’s call; refuses other media types', async () => {
    expect((await postCsv('agent', 'call_id,csat\nsurvey-0,5')).status).toBe(403);
    // survey-1 is a south call: out of the north lead's scope, so it looks unknown.
    const lead = await postCsv('northLead', 'call_id,csat\nsurvey-1,5\nsurvey-2,4');
    expect(lead.body.rejected).toEqual([{ line: 2, code: 'UNKNOWN_CALL', message: expect.any(String) }]);
    expect(lead.body.inserted + lead.body.updated + lead.body.unchanged).toBe(1);
    const plain = await api('qa', '/surveys', {
      method: 'POST',
      body: 'call_id,csat',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
    const json = await api('qa', '/surveys', {
      method: 'POST',
      body: JSON.stringify({ surveys: [{ callId: 'survey-7', csat: 4 }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.body).toMatchObject({ inserted: 1, rejected: [] });
    expect((await api('agent', '/reports/csat')).status).toBe(403);
  });

  it('recovers a planted effect of frustration on CSAT and NPS, and the model beats the mean', async () => {
    expect((await postCsv('qa', surveyCsv(plantedSurveys(angerS, 1.2)))).body.rejected).toEqual([]);
    const { status, body } = await api('qa', '/reports/csat');
    expect(status).toBe(200);
    expectDocumented('/reports/csat', 'GET', 200, body);
    expect(body.withCsat).toBe(150);
    const anger = body.measures.find((m: { name: string }) => m.name === 'customerAngerS');
    expect(anger.csat.n).toBe(150);
    expect(anger.csat.rho).toBeLessThan(-0.3);
    expect(anger.csat.ci95[1]).toBeLessThan(0);
    expect(anger.csat.evidence).toBe(true);
    expect(anger.nps.evidence).toBe(true);
    // Agent pace, tension, latency and overtalk vary independently of the answers: no evidence.
    for (const name of [
      'agentPaceCompliance',
      'agentTensionCompliance',
      'overtalkPerMin',
      'agentResponseLatencyMs',
    ]) {
      const m = body.measures.find((x: { name: string }) => x.name === name);
      expect(m.csat.rho, name).not.toBeNull();
      expect(m.csat.evidence, name).toBe(false);
      expect(m.nps.evidence, name).toBe(false);
    }
    expect(body.model.beatsBaseline).toBe(true);
    expect(body.model.rmse).toBeLessThan(body.model.baselineRmse);

    // The script prints the same report as one JSON object (the API holds the PGlite folder: close it).
    await server.close();
    await store.close();
    const { stdout } = await promisify(execFile)(
      'sh',
      ['scripts/node24.sh', 'scripts/report-csat.ts', '--tenant', 'acme'],
      {
        env: { ...process.env, STORE_DATA_DIR: dataDir, DATABASE_URL: '' },
      },
    );
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({ tenant: 'acme', ...body });
    store = await openCallStore({ dataDir });
    server = await startQaServer({ store, tokens, port: 0 });
  });

  it('reads the calls started in a period (from inclusive, to exclusive) and says which', async () => {
    // survey-i started at 09:00:i on 2026-11-20 (survey-data.ts): 60 before 09:01, 90 from it.
    const since = await api('qa', '/reports/csat?from=2026-11-20T10:01:00%2B01:00');
    expect(since.status).toBe(200);
    expectDocumented('/reports/csat', 'GET', 200, since.body);
    expect(since.body).toMatchObject({ from: '2026-11-20T09:01:00.000Z', to: null, withCsat: 90 });
    const before = await api('qa', '/reports/csat?to=2026-11-20T09:01:00Z');
    expect(before.body).toMatchObject({ from: null, to: '2026-11-20T09:01:00.000Z', withCsat: 60 });
    const all = await api('qa', '/reports/csat');
    expect(all.body).toMatchObject({ from: null, to: null, withCsat: 150 });
    const reversed = await api('qa', '/reports/csat?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z');
    expect(reversed.status).toBe(400);
    expectDocumented('/reports/csat', 'GET', 400, reversed.body);
    expect(reversed.body.error.details).toEqual(['from: must not be after `to`']);
    expect((await api('qa', '/reports/csat?from=yesterday')).status).toBe(400);
  });

  it('report:csat refuses a missing store and an unknown option with one line, exit 2', () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      spawnSync('sh', ['scripts/node24.sh', 'scripts/report-csat.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '', ...env },
      });
    const missing = join(dataDir, 'no-such-store');
    const none = run([], { STORE_DATA_DIR: missing });
    expect(none.status).toBe(2);
    expect(none.stderr.trim()).toMatch(/^report:csat: no call store at .*no-such-store/);
    expect(existsSync(missing)).toBe(false); // a report creates no empty store
    const bad = run(['--frobnicate'], { STORE_DATA_DIR: dataDir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^report:csat: Unknown option '--frobnicate'\nusage: /);
    // An empty number is not 0.
    const empty = run(['--seed='], { STORE_DATA_DIR: dataDir });
    expect([empty.status, empty.stderr.trim()]).toEqual([
      2,
      'report:csat: --seed must be an integer >= 0 and --resamples an integer >= 100',
    ]);
    const day = run(['--from', '2026-11-20'], { STORE_DATA_DIR: dataDir });
    expect([day.status, day.stderr.trim()]).toEqual([
      2,
      'report:csat: --from must be an ISO 8601 time with its offset (2026-11-01T00:00:00Z)',
    ]);
    const reversed = run(['--from', '2026-11-21T00:00:00Z', '--to', '2026-11-20T00:00:00Z'], {
      STORE_DATA_DIR: dataDir,
    });
    expect([reversed.status, reversed.stderr.trim()]).toEqual([
      2,
      'report:csat: --from must not be after --to',
    ]);
    // The folder held by the call-store service (this test's open store holds its lock): one
    // line naming the holder, not a stack, and the lock stays.
    const held = run([], { STORE_DATA_DIR: dataDir });
    expect(held.status).toBe(1);
    expect(held.stderr.trim()).toMatch(
      new RegExp(
        `^report:csat: cannot open the call store: the PGlite folder .* is in use by process ${process.pid} `,
      ),
    );
    expect(held.stderr).not.toMatch(/\n\s+at /);
  });

  it('finds nothing when the answers are noise', async () => {
    expect((await postCsv('qa', surveyCsv(plantedSurveys(angerS, 0, 5)))).body.rejected).toEqual([]);
    const { body } = await api('qa', '/reports/csat');
    const found = body.measures.filter(
      (m: { csat: { evidence: boolean }; nps: { evidence: boolean } }) => m.csat.evidence || m.nps.evidence,
    );
    expect(found).toEqual([]);
    expect(body.model.beatsBaseline).toBe(false);
  });
});
