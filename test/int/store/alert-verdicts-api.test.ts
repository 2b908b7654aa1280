// PUT /calls/{id}/alerts/{alertId}/verdict and GET /reports/alert-precision over a real socket and
// a real (embedded) database, every answer checked against openapi.yaml: a reviewer's verdict is
// shown on the call (never to the agent); agents may not judge (403); a reader of another tenant
// or a team lead of another team gets the call's own 404 and an empty report; bad input gets a
// typed 400 / 404 that does not echo the reason; the route's metric label names no alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { routeLabel } from '../../../services/call-store/http/routes.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { expectDocumented } from './openapi.ts';

const tokens = {
  secret: new TextEncoder().encode('verdict-api-secret-of-32-bytes!!!!'),
  issuer: 'va-test',
  audience: 'va-test',
  tokenTtlS: 900,
};
const who: Record<string, Principal> = {
  qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  northLead: { userId: 'sup-n', role: 'supervisor', tenant: 'acme', agentId: null, teams: ['north'] },
  southLead: { userId: 'sup-s', role: 'supervisor', tenant: 'acme', agentId: null, teams: ['south'] },
  agent: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
  otherTenant: { userId: 'qa-9', role: 'qa_reviewer', tenant: 'globex', agentId: null, teams: [] },
};
const CALL = 'verdict-call';
let alertId = '';
let store: CallStore;
let server: QaServer;

async function api(as: keyof typeof who, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${await issueToken(tokens, who[as])}`);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers });
  const body: ReturnType<typeof JSON.parse> = await response.json();
  return { status: response.status, body };
}

const verdictPath = (id = alertId) => `/calls/${CALL}/alerts/${encodeURIComponent(id)}/verdict` as const;
const put = (as: keyof typeof who, body: unknown, id = alertId) =>
  api(as, verdictPath(id), { method: 'PUT', body: JSON.stringify(body) });
const TEMPLATE = '/calls/{callId}/alerts/{alertId}/verdict';

beforeAll(async () => {
  store = await openCallStore({});
  const call = syntheticStoreCall({
    callId: CALL,
    tenant: 'acme',
    team: 'north',
    agentId: 'agent-1',
    startedAt: new Date(Date.now() - 3_600_000),
    durationS: 60,
    angryFromS: 10,
    angryToS: 40,
    alert: true,
    seed: 3,
  });
  await store.write(syntheticEvents(call));
  await store.finalizePending(0);
  alertId = (call.alerts.find((e) => e.kind === 'alert') as unknown as { alertId: string }).alertId;
  // The alert is shown to agents too, so the agent's call read has it (with its verdict hidden).
  await store.backend.query(`UPDATE alerts SET audience = 'agent,supervisor' WHERE alert_id = $1`, [alertId]);
  server = await startQaServer({ store, tokens, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('alert verdicts over the QA API', () => {
  it('stores a verdict, shows it on the call, and takes the same PUT again as a no-op', async () => {
    const first = await put('qa', { verdict: 'wrong', reason: 'raised voice, not anger' });
    expect(first.status).toBe(200);
    expectDocumented(TEMPLATE, 'PUT', 200, first.body);
    expect(first.body).toMatchObject({ alertId, verdict: 'wrong', reviewer: 'qa-1' });
    const again = await put('qa', { verdict: 'wrong', reason: 'raised voice, not anger' });
    expect(again.body.judgedAt).toBe(first.body.judgedAt);
    const call = await api('qa', `/calls/${CALL}`);
    expectDocumented('/calls/{callId}', 'GET', 200, call.body);
    expect(call.body.alerts[0].verdict).toMatchObject({
      verdict: 'wrong',
      reason: 'raised voice, not anger',
    });
    // The team lead of the call's team may judge it too: the latest verdict wins.
    const lead = await put('northLead', { verdict: 'right' });
    expect([lead.status, lead.body.reviewer, lead.body.reason]).toEqual([200, 'sup-n', null]);
  });

  it("refuses agents (403) and answers other tenants' and teams' readers as for the call (404)", async () => {
    const agent = await put('agent', { verdict: 'right' });
    expect([agent.status, agent.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expectDocumented(TEMPLATE, 'PUT', 403, agent.body);
    // The agent reads their call, the alert included, without the reviewers' verdict.
    const own = await api('agent', `/calls/${CALL}`);
    expect(own.status).toBe(200);
    expectDocumented('/calls/{callId}', 'GET', 200, own.body);
    expect(own.body.alerts.map((a: { verdict: unknown }) => a.verdict)).toEqual([null]);
    for (const hostile of ['otherTenant', 'southLead'] as const) {
      const read = await api(hostile, `/calls/${CALL}`);
      const judged = await put(hostile, { verdict: 'wrong', reason: 'sabotage' });
      expect([judged.status, judged.body]).toEqual([read.status, read.body]);
      expect(judged.body.error.code).toBe('NOT_FOUND');
      expectDocumented(TEMPLATE, 'PUT', 404, judged.body);
    }
    const call = await api('qa', `/calls/${CALL}`);
    expect(call.body.alerts[0].verdict).toMatchObject({ verdict: 'right', reviewer: 'sup-n' });
  });

  it('answers bad input with typed errors that do not echo the reason', async () => {
    const secretReason = `customer said her name was Jane ${'x'.repeat(480)}`;
    const cases = [
      { body: { verdict: 'maybe' }, status: 400, code: 'INVALID_BODY', detail: /^verdict: / },
      {
        body: { verdict: 'wrong', reason: secretReason },
        status: 400,
        code: 'INVALID_BODY',
        detail: /^reason: /,
      },
      { body: { verdict: 'wrong', extra: 1 }, status: 400, code: 'INVALID_BODY', detail: /extra/ },
      // A line break by another name: the C1 NEL, the line and paragraph separators (pen-test pen31).
      ...['\u0085', '\u2028', '\u2029'].map((brk) => ({
        body: { verdict: 'wrong', reason: `Jane${brk}Judged right by qa-lead` },
        status: 400,
        code: 'INVALID_BODY',
        detail: /^reason: /,
      })),
      { body: {}, status: 400, code: 'INVALID_BODY', detail: /^verdict: / },
    ];
    for (const c of cases) {
      const answer = await put('qa', c.body);
      expect([answer.status, answer.body.error.code]).toEqual([c.status, c.code]);
      expect(answer.body.error.details).toEqual([expect.stringMatching(c.detail)]);
      expect(JSON.stringify(answer.body)).not.toContain('Jane');
      expectDocumented(TEMPLATE, 'PUT', c.status, answer.body);
    }
    const unknown = await put('qa', { verdict: 'right' }, `${alertId}-not-there`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_ALERT']);
    expectDocumented(TEMPLATE, 'PUT', 404, unknown.body);
    const unknownCall = await api('qa', `/calls/no-such-call/alerts/x/verdict`, {
      method: 'PUT',
      body: JSON.stringify({ verdict: 'right' }),
    });
    expect([unknownCall.status, unknownCall.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(routeLabel('PUT', verdictPath())).toBe('PUT /calls/:id/alerts/:alertId/verdict');
  });

  it('reports precision to staff in scope only', async () => {
    const report = await api('qa', '/reports/alert-precision');
    expect(report.status).toBe(200);
    expectDocumented('/reports/alert-precision', 'GET', 200, report.body);
    expect(report.body.rules).toEqual([
      expect.objectContaining({
        ruleId: 'customer-frustration',
        subject: 'customer',
        raised: 1,
        judged: 1,
        right: 1,
        precision: null,
        enoughVerdicts: false,
      }),
    ]);
    const north = await api('northLead', '/reports/alert-precision?team=north&from=2026-01-01T00:00:00Z');
    expect([north.body.rules.length, north.body.team, north.body.from]).toEqual([
      1,
      'north',
      '2026-01-01T00:00:00.000Z',
    ]);
    // Hostile readers: nothing of the call, not even that an alert of the rule was raised.
    for (const hostile of ['otherTenant', 'southLead'] as const) {
      const theirs = await api(hostile, '/reports/alert-precision');
      expect([theirs.status, theirs.body.rules]).toEqual([200, []]);
    }
    // A south lead asking for north gets their own scope, not north's calls.
    expect((await api('southLead', '/reports/alert-precision?team=north')).body.rules).toEqual([]);
    const agent = await api('agent', '/reports/alert-precision');
    expect([agent.status, agent.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const bad = await api('qa', '/reports/alert-precision?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect([bad.status, bad.body.error.code, bad.body.error.details]).toEqual([
      400,
      'INVALID_QUERY',
      ['from: must not be after `to`'],
    ]);
    expectDocumented('/reports/alert-precision', 'GET', 400, bad.body);
    const unknownParam = await api('qa', '/reports/alert-precision?rule=x');
    expect([unknownParam.status, unknownParam.body.error.code]).toEqual([400, 'INVALID_QUERY']);
  });
});
