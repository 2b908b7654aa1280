// The QA API over a real socket and a real (embedded) database: every response is validated
// against openapi.yaml; roles, tenants and supervisors' teams are enforced; bad input gets a
// precise 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { demoUsersLogin } from '../../../services/call-store/http/login.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { expectDocumented } from './openapi.ts';

const tokens = {
  secret: new TextEncoder().encode('test-secret-of-at-least-32-bytes!!'),
  issuer: 'va-test',
  audience: 'va-test',
  tokenTtlS: 900, // TOKEN_TTL_S
};
let store: CallStore;
let server: QaServer;
const who: Record<string, Principal> = {
  qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  supervisor: { userId: 'sup-1', role: 'supervisor', tenant: 'acme', agentId: null, teams: [] },
  northLead: { userId: 'sup-2', role: 'supervisor', tenant: 'acme', agentId: null, teams: ['north'] },
  agent1: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
  agent2: { userId: 'u-agent-2', role: 'agent', tenant: 'acme', agentId: 'agent-2', teams: [] },
  otherTenant: { userId: 'qa-9', role: 'qa_reviewer', tenant: 'globex', agentId: null, teams: [] },
  admin: { userId: 'root', role: 'admin', tenant: '*', agentId: null, teams: [] },
};

async function api(as: keyof typeof who | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (as) headers.set('authorization', `Bearer ${await issueToken(tokens, who[as])}`);
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers });
  const type = response.headers.get('content-type') ?? '';
  // Response bodies are checked against openapi.yaml, so they are read untyped here.
  const body: ReturnType<typeof JSON.parse> = type.startsWith('application/json')
    ? await response.json()
    : await response.text();
  return { status: response.status, body, type, headers: response.headers };
}

beforeAll(async () => {
  store = await openCallStore({});
  for (let i = 0; i < 6; i++) {
    const call = syntheticStoreCall({
      callId: `call-${i}`,
      agentId: i < 4 ? 'agent-1' : 'agent-2',
      team: i % 2 === 0 ? 'north' : 'south',
      startedAt: new Date(Date.UTC(2026, 10, 20, 9, i)),
      durationS: 90,
      angryFromS: i % 2 === 0 ? 20 : undefined,
      angryToS: i % 2 === 0 ? 50 : undefined,
      alert: i % 2 === 0,
      ackAfterS: i === 0 ? 8 : null,
      seed: i,
    });
    await store.write(syntheticEvents(call));
  }
  await store.finalizePending(0);
  server = await startQaServer({ store, tokens, port: 0, login: demoUsersLogin('config/demo-users.json') });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

/** A cursor as the API writes them: the sort and order it continues, then the keys. */
const cursorOf = (keys: unknown[], sorted = 'startedAt desc'): string =>
  Buffer.from(JSON.stringify([sorted, ...keys])).toString('base64url');

describe('QA API', () => {
  it('answers with headers that keep its data from being framed, sniffed or referred', async () => {
    const answer = await api('qa', '/calls');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect([answer.headers.get('x-frame-options'), answer.headers.get('x-content-type-options')]).toEqual([
      'DENY',
      'nosniff',
    ]);
    expect((await api(null, '/calls')).headers.get('x-frame-options')).toBe('DENY');
  });

  it('takes any ISO 8601 offset, a parameter named like an Object property, and refuses deep bodies with a 400', async () => {
    // Offsets past ±15:59 are ISO 8601 but not PostgreSQL: they were passed on and answered 500.
    const far = await api('qa', `/calls?from=${encodeURIComponent('2026-11-19T13:03:00-20:00')}`);
    const farther = await api('qa', `/calls?from=${encodeURIComponent('2026-11-21T08:03:00+23:00')}`);
    const utc = await api('qa', '/calls?from=2026-11-20T09:03:00Z');
    expect([far.status, farther.status, utc.status]).toEqual([200, 200, 200]);
    expect(utc.body.calls.map((c: { callId: string }) => c.callId).sort()).toEqual([
      'call-3',
      'call-4',
      'call-5',
    ]);
    expect(farther.body.calls).toEqual(utc.body.calls);
    expect(far.body.calls).toEqual(utc.body.calls);
    const summary = await api(
      'agent1',
      `/agents/agent-1/summary?from=${encodeURIComponent('2026-01-01T00:00:00-20:00')}&to=${encodeURIComponent('2027-01-01T00:00:00+16:00')}`,
    );
    expect(summary.status).toBe(200);
    // An unknown parameter named like a property of every object was "given more than once".
    const named = await api('qa', '/calls?constructor=x');
    expect([named.status, JSON.stringify(named.body.error.details)]).toEqual([
      400,
      expect.stringMatching(/constructor/),
    ]);
    expect(JSON.stringify(named.body.error.details)).not.toMatch(/more than once/);
    // JSON.parse takes 30 000 nested arrays in 60 KB; walking them overflowed the stack (a 500).
    const post = (body: string) =>
      api('qa', '/calls/call-1/review', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    for (const body of ['['.repeat(30_000) + ']'.repeat(30_000), '{"a":'.repeat(17) + '1' + '}'.repeat(17)]) {
      const deep = await post(body);
      expect([deep.status, deep.body.error.code, deep.body.error.details]).toEqual([
        400,
        'INVALID_BODY',
        ['(root): nested deeper than 16 levels'],
      ]);
    }
  });

  it('searches calls with filters and pages through them with a cursor', async () => {
    const first = await api('qa', '/calls?limit=4&sort=startedAt&order=asc');
    expect(first.status).toBe(200);
    expectDocumented('/calls', 'GET', 200, first.body);
    expect(first.body.calls.map((c: { callId: string }) => c.callId)).toEqual([
      'call-0',
      'call-1',
      'call-2',
      'call-3',
    ]);
    const second = await api('qa', `/calls?limit=4&sort=startedAt&order=asc&cursor=${first.body.nextCursor}`);
    expect(second.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['call-4', 'call-5']);
    expect(second.body.nextCursor).toBeNull();
    // A cursor from before the sort tag (a page open across the upgrade) still continues.
    const [, ...keys] = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
    const legacy = Buffer.from(JSON.stringify(keys)).toString('base64url');
    const again = await api('qa', `/calls?limit=4&sort=startedAt&order=asc&cursor=${legacy}`);
    expect(again.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['call-4', 'call-5']);
    const angry = await api('supervisor', '/calls?minCustomerAngerS=10&alerts=unacknowledged');
    expectDocumented('/calls', 'GET', 200, angry.body);
    expect(angry.body.calls.map((c: { callId: string }) => c.callId).sort()).toEqual(['call-2', 'call-4']);
  });

  it('returns one call with summary and scorecard, its timeline and exports', async () => {
    const call = await api('qa', '/calls/call-0');
    expect(call.status).toBe(200);
    expectDocumented('/calls/{callId}', 'GET', 200, call.body);
    expect(call.body.scorecard.parts).toHaveLength(9);
    expect(call.body.alerts[0].acknowledgement.by).toBe('supervisor-1');
    const timeline = await api('qa', '/calls/call-0/timeline');
    expectDocumented('/calls/{callId}/timeline', 'GET', 200, timeline.body);
    expect(timeline.body.speakers.customer.windows.startMs).toHaveLength(89);
    const small = await api('qa', '/calls/call-0/timeline?maxPoints=20');
    expectDocumented('/calls/{callId}/timeline', 'GET', 200, small.body);
    expect(small.body.speakers.agent.windows.startMs).toHaveLength(20);
    const json = await api('qa', '/calls/call-0/export?format=json');
    expectDocumented('/calls/{callId}/export', 'GET', 200, json.body);
    const csv = await api('qa', '/calls/call-0/export?format=csv');
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^call_id,channel,window_index/);
  });

  it('keeps a review beside the automatic score', async () => {
    const review = await api('qa', '/calls/call-1/review', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'Calm and clear', scoreOverride: 90 }),
    });
    expect(review.status).toBe(201);
    expectDocumented('/calls/{callId}/review', 'POST', 201, review.body);
    const call = await api('qa', '/calls/call-1');
    expect(call.body.reviews[0].notes).toBe('Calm and clear');
    expect(call.body.reviewScore).toBe(90);
    expect(call.body.score).not.toBe(90);
  });

  it('summarises an agent over a period', async () => {
    const summary = await api(
      'supervisor',
      '/agents/agent-1/summary?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z',
    );
    expect(summary.status).toBe(200);
    expectDocumented('/agents/{agentId}/summary', 'GET', 200, summary.body);
    expect(summary.body.calls).toBe(4);
    expect(summary.body.alertsReceived).toBe(2);
    expect(summary.body.alertsAcknowledged).toBe(1);
  });

  it('lets agents read their own calls only, and never review', async () => {
    const own = await api('agent1', '/calls?limit=50');
    expect(own.body.calls.every((c: { agentId: string }) => c.agentId === 'agent-1')).toBe(true);
    expect(own.body.calls).toHaveLength(4);
    const foreign = await api('agent2', '/calls/call-0');
    expect(foreign.status).toBe(404);
    expectDocumented('/calls/{callId}', 'GET', 404, foreign.body);
    const otherSummary = await api(
      'agent2',
      '/agents/agent-1/summary?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z',
    );
    expect(otherSummary.status).toBe(403);
    const review = await api('agent1', '/calls/call-1/review', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'my own call is great' }),
    });
    expect(review.status).toBe(403);
    expectDocumented('/calls/{callId}/review', 'POST', 403, review.body);
  });

  it('keeps tenants apart; an admin of every tenant may pick one', async () => {
    const other = await api('otherTenant', '/calls');
    expect(other.body.calls).toEqual([]);
    expect((await api('otherTenant', '/calls/call-0')).status).toBe(404);
    expect((await api('qa', '/calls?tenant=globex')).status).toBe(403);
    const admin = await api('admin', '/calls?tenant=acme&limit=1');
    expect(admin.body.calls).toHaveLength(1);
  });

  it('limits a supervisor whose user lists teams to those teams, without leaking other calls', async () => {
    const ids = (body: { calls: { callId: string }[] }) => body.calls.map((c) => c.callId).sort();
    const list = await api('northLead', '/calls?limit=50');
    expect(list.status).toBe(200);
    expectDocumented('/calls', 'GET', 200, list.body);
    expect(ids(list.body)).toEqual(['call-0', 'call-2', 'call-4']);
    expect(ids((await api('northLead', '/calls?agentId=agent-1&limit=50')).body)).toEqual([
      'call-0',
      'call-2',
    ]);
    expect(ids((await api('supervisor', '/calls?limit=50')).body)).toHaveLength(6);
    expect((await api('northLead', '/calls/call-2')).status).toBe(200);
    // Another team's call answers exactly like an unknown call or another tenant's call.
    const foreign = await api('northLead', '/calls/call-1');
    expect(foreign.status).toBe(404);
    expectDocumented('/calls/{callId}', 'GET', 404, foreign.body);
    expect(foreign.body).toEqual((await api('otherTenant', '/calls/call-1')).body);
    expect((await api('northLead', '/calls/call-1/timeline')).status).toBe(404);
    expect((await api('northLead', '/calls/call-1/export?format=csv')).status).toBe(404);
    const review = await api('northLead', '/calls/call-3/review', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'not my team' }),
    });
    expect(review.status).toBe(404);
    const summary = await api(
      'northLead',
      '/agents/agent-1/summary?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z',
    );
    expect(summary.body.calls).toBe(2);
  });

  it('lets an admin set a tenant retention, nobody else', async () => {
    const put = (as: keyof typeof who, tenant: string, body: unknown) =>
      api(as, `/tenants/${tenant}/retention`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await put('admin', 'acme', { retentionDays: 400 });
    expect(ok.status).toBe(200);
    expectDocumented('/tenants/{tenant}/retention', 'PUT', 200, ok.body);
    const rows = await store.backend.query<{ retention_days: number }>(
      `SELECT retention_days FROM tenant_settings WHERE tenant = 'acme'`,
    );
    expect(rows[0].retention_days).toBe(400);
    // Read back, then back to the configuration.
    const read = () => api('admin', '/tenants/acme/retention');
    const got = await read();
    expectDocumented('/tenants/{tenant}/retention', 'GET', 200, got.body);
    expect(got.body).toEqual({ tenant: 'acme', retentionDays: 400 });
    const cleared = await api('admin', '/tenants/acme/retention', { method: 'DELETE' });
    expectDocumented('/tenants/{tenant}/retention', 'DELETE', 200, cleared.body);
    expect((await read()).body.retentionDays).toBeNull();
    const again = await api('admin', '/tenants/acme/retention', { method: 'DELETE' });
    expect([again.status, again.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await api('qa', '/tenants/acme/retention')).status).toBe(403);
    await put('admin', 'acme', { retentionDays: 400 });
    expect((await put('supervisor', 'acme', { retentionDays: 1 })).status).toBe(403);
    const bad = await put('admin', 'acme', { retentionDays: 0 });
    expect(bad.status).toBe(400);
    expectDocumented('/tenants/{tenant}/retention', 'PUT', 400, bad.body);
    // A name no call can carry was stored, and the real tenant stayed on the default.
    for (const name of ['*', '%E2%80%8Bacme', 'a'.repeat(65)]) {
      const typo = await put('admin', name, { retentionDays: 30 });
      expect([typo.status, typo.body.error.code], name).toEqual([400, 'INVALID_QUERY']);
    }
  });

  it('signs in a demo user and the token opens the API for their tenant', async () => {
    const post = (body: unknown) =>
      api(null, '/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ username: 'supervisor', password: 'demo1234' });
    expect(ok.status).toBe(200);
    expectDocumented('/auth/login', 'POST', 200, ok.body);
    // The login grants TOKEN_TTL_S (it granted 8 h whatever the setting said).
    expect(ok.body.expiresInS).toBe(900);
    const { exp, iat } = JSON.parse(Buffer.from(ok.body.token.split('.')[1], 'base64url').toString());
    expect(exp - iat).toBe(900);
    const calls = await fetch(`http://127.0.0.1:${server.port}/calls`, {
      headers: { authorization: `Bearer ${ok.body.token}` },
    });
    expect(calls.status).toBe(200);
    expect((await calls.json()).calls).toEqual([]); // the demo users' tenant is "demo", not "acme"
    const wrong = await post({ username: 'supervisor', password: 'nope' });
    expect(wrong.status).toBe(401);
    expectDocumented('/auth/login', 'POST', 401, wrong.body);
    expect((await post({ username: 'supervisor' })).status).toBe(400);
  });

  it('answers bad input with a precise 4xx', async () => {
    const cases: [keyof typeof who | null, string, RequestInit, number, string, RegExp][] = [
      [null, '/calls', {}, 401, 'UNAUTHENTICATED', /token/],
      ['qa', '/calls?limit=0', {}, 400, 'INVALID_QUERY', /limit/],
      ['qa', '/calls?sort=loudest', {}, 400, 'INVALID_QUERY', /sort/],
      ['qa', '/calls?from=yesterday', {}, 400, 'INVALID_QUERY', /from/],
      // An unencoded "+" arrives as a space: one message about the form, none about the year.
      [
        'qa',
        '/calls?from=2026-11-20T00:00:00+01:00',
        {},
        400,
        'INVALID_QUERY',
        /^(?!.*1970).*from: Invalid ISO datetime/,
      ],
      ['qa', '/calls?minScore=80&maxScore=20', {}, 400, 'INVALID_QUERY', /minScore/],
      ['qa', '/calls?limit=1&limit=2', {}, 400, 'INVALID_QUERY', /more than once/],
      ['qa', '/calls?cursor=nonsense', {}, 400, 'INVALID_CURSOR', /cursor/],
      // A valid cursor of another sort, or of the other order: it returned an arbitrary page.
      [
        'qa',
        `/calls?sort=durationMs&cursor=${cursorOf([100, 'qa-h7'], 'score desc')}`,
        {},
        400,
        'INVALID_CURSOR',
        /sort=durationMs and order=desc/,
      ],
      [
        'qa',
        `/calls?order=asc&cursor=${cursorOf(['2026-11-20T09:00:00.000Z', 'x'])}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      // Cursors whose value does not fit the sort column, and a number past the column's range:
      // the database refused them (500) and logged the caller's text.
      [
        'qa',
        `/calls?sort=score&cursor=${cursorOf(['abc', 'x'], 'score desc')}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      ['qa', `/calls?cursor=${cursorOf(['2026-99-99T00:00:00Z', 'x'])}`, {}, 400, 'INVALID_CURSOR', /cursor/],
      [
        'qa',
        `/calls?cursor=${cursorOf(['2026-02-30T00:00:00.000Z', 'x'])}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      [
        'qa',
        `/calls?sort=durationMs&cursor=${cursorOf([99999999999, 'x'], 'durationMs desc')}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      ['qa', '/calls?minCustomerAngerS=1e308', {}, 400, 'INVALID_QUERY', /minCustomerAngerS/],
      // Times PostgreSQL cannot hold (year 0, six-digit years) and a NUL in a cursor's call id:
      // database errors (500) that logged the caller's text.
      ['qa', '/calls?from=0000-01-01T00:00:00Z', {}, 400, 'INVALID_QUERY', /from: must be a time from 1970/],
      [
        'qa',
        '/agents/agent-1/summary?from=0000-01-01T00:00:00Z&to=2026-11-21T00:00:00Z',
        {},
        400,
        'INVALID_QUERY',
        /from/,
      ],
      [
        'qa',
        `/calls?cursor=${cursorOf(['+010000-01-01T00:00:00.000Z', 'x'])}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      [
        'qa',
        `/calls?cursor=${cursorOf(['-000001-01-01T00:00:00.000Z', 'x'])}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      [
        'qa',
        `/calls?cursor=${cursorOf(['2026-11-20T09:00:00.000Z', 'a\u0000b'])}`,
        {},
        400,
        'INVALID_CURSOR',
        /cursor/,
      ],
      ['agent1', '/calls?reviewed=true', {}, 403, 'FORBIDDEN', /reviewed/],
      ['qa', '/calls?colour=red', {}, 400, 'INVALID_QUERY', /colour|Unrecognized/],
      ['qa', '/calls/call-0/timeline?maxPoints=3', {}, 400, 'INVALID_QUERY', /maxPoints/],
      ['qa', '/calls/nope', {}, 404, 'NOT_FOUND', /nope/],
      ['qa', '/agents/agent-1/summary?from=2026-11-21T00:00:00Z', {}, 400, 'INVALID_QUERY', /to/],
      // NUL and other control characters, which PostgreSQL refused with a 500 (invalid byte sequence).
      ['qa', '/calls/a%00b', {}, 400, 'INVALID_QUERY', /path: contains a control character/],
      ['qa', '/calls/a%00b/timeline', {}, 400, 'INVALID_QUERY', /control character/],
      ['qa', '/agents/a%00b/summary', {}, 400, 'INVALID_QUERY', /control character/],
      ['qa', '/calls?agentId=%00', {}, 400, 'INVALID_QUERY', /agentId: contains a control character/],
      ['qa', '/calls?queue=a%0Ab', {}, 400, 'INVALID_QUERY', /queue: contains a control character/],
    ];
    for (const [as, path, init, status, code, detail] of cases) {
      const response = await api(as, path, init);
      expect(response.status, path).toBe(status);
      expect(response.body.error.code, path).toBe(code);
      expect(JSON.stringify(response.body.error), path).toMatch(detail);
    }
    const post = (body: string, type = 'application/json') =>
      api('qa', '/calls/call-1/review', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{"notes": ""}')).body.error.details.join()).toMatch(/notes/);
    expect((await post('{"notes": "x", "scoreOverride": 101}')).body.error.details.join()).toMatch(
      /scoreOverride/,
    );
    expect((await post('{"notes": "x", "extra": 1}')).status).toBe(400);
    expect((await post('{not json')).body.error.code).toBe('INVALID_BODY');
    const nul = await post(JSON.stringify({ notes: 'a\u0000b' }));
    expect([nul.status, nul.body.error.code, nul.body.error.details]).toEqual([
      400,
      'INVALID_BODY',
      ['notes: contains NUL'],
    ]);
    // A newline in notes is text, not an attack: still kept.
    expect((await post(JSON.stringify({ notes: 'line one\nline two' }))).status).toBe(201);
    expect((await post('notes=x', 'text/plain')).status).toBe(415);
    const tooBig = await post(JSON.stringify({ notes: 'x'.repeat(70_000) }));
    // Its unread rest makes the connection unusable: closed, not offered for another request.
    expect([tooBig.status, tooBig.headers.get('connection')]).toEqual([413, 'close']);
    const wrongMethod = await api('qa', '/calls/call-1', { method: 'PUT' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, DELETE']);
    const bad = await api('qa', '/calls?limit=0');
    expectDocumented('/calls', 'GET', 400, bad.body);
  });

  it('names a download by any call id the store holds: an ASCII fallback and the exact UTF-8 name', async () => {
    // Ids from Kafka records are not held to the gateway's pattern: a quote broke the header, a
    // non-Latin-1 letter made it a 500.
    const callId = 'zażółć "x";1';
    const call = syntheticStoreCall({
      callId,
      tenant: 'odd-ids',
      startedAt: new Date(),
      durationS: 30,
      seed: 9,
    });
    await store.write(syntheticEvents(call));
    await store.finalizePending(0);
    for (const format of ['csv', 'json']) {
      const answer = await api(
        'admin',
        `/calls/${encodeURIComponent(callId)}/export?format=${format}&tenant=odd-ids`,
      );
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe(
        `attachment; filename="za______x__1.${format}"; filename*=UTF-8''za%C5%BC%C3%B3%C5%82%C4%87%20%22x%22%3B1.${format}`,
      );
    }
  });
});
