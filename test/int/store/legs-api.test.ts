// The QA API over a real socket for a call transferred on the same call id (ann, then bob): the
// second leg's agent opens, finds and summarises it; an agent without a leg, or of another tenant
// with the same agent id, gets 404 as for an unknown call; each agent reads the voice analysis of
// their own leg only. Responses validated against openapi.yaml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { expectDocumented } from './openapi.ts';

const tokens = {
  secret: new TextEncoder().encode('test-secret-of-at-least-32-bytes!!'),
  issuer: 'va-test',
  audience: 'va-test',
  tokenTtlS: 900,
};
const agent = (agentId: string, tenant = 'acme'): Principal => ({
  userId: `u-${agentId}-${tenant}`,
  role: 'agent',
  tenant,
  agentId,
  teams: [],
});
const who = {
  ann: agent('ann'),
  bob: agent('bob'),
  cy: agent('cy'),
  globexBob: agent('bob', 'globex'),
  southLead: {
    userId: 'sup-s',
    role: 'supervisor',
    tenant: 'acme',
    agentId: null,
    teams: ['south'],
  } as Principal,
  eastLead: {
    userId: 'sup-e',
    role: 'supervisor',
    tenant: 'acme',
    agentId: null,
    teams: ['east'],
  } as Principal,
};
let store: CallStore;
let server: QaServer;

async function api(as: keyof typeof who, path: string) {
  const headers = { authorization: `Bearer ${await issueToken(tokens, who[as])}` };
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as ReturnType<typeof JSON.parse> };
}

beforeAll(async () => {
  store = await openCallStore({});
  const call = syntheticStoreCall({ callId: 'moved-1', agentId: 'ann', team: 'north', durationS: 90 });
  const second = { ...call.start, agentId: 'bob', team: 'south', legStartMs: 45_000 } as StoreEvent;
  // A pace cue to ann at 20 s (her leg) and one to bob at 70 s (his).
  const cue = (alertId: string, startMs: number) =>
    ({
      kind: 'alert',
      alertId,
      callId: 'moved-1',
      tenant: 'acme',
      ruleId: 'agent-pace',
      severity: 'info',
      audience: 'agent',
      channel: 'agent',
      startMs,
      firedAt: new Date(Date.parse('2026-11-20T09:00:00Z') + startMs).toISOString(),
      message: 'Slow down a little',
    }) as StoreEvent;
  await store.write([...syntheticEvents(call), second, cue('cue-ann', 20_000), cue('cue-bob', 70_000)]);
  // Another tenant's call of its own agent "bob": same agent id, never this call.
  await store.write(syntheticEvents(syntheticStoreCall({ callId: 'g-1', tenant: 'globex', agentId: 'bob' })));
  await store.finalizePending(0);
  server = await startQaServer({ store, tokens, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('QA API for a call with two legs', () => {
  it("opens the call for the second leg's agent and team, with the legs and their own figures", async () => {
    const call = await api('bob', '/calls/moved-1');
    expect(call.status).toBe(200);
    expectDocumented('/calls/{callId}', 'GET', 200, call.body);
    expect(call.body.legs.map((l: { agentId: string; fromMs: number }) => [l.agentId, l.fromMs])).toEqual([
      ['ann', 0],
      ['bob', 45_000],
    ]);
    expect(call.body.legs[0].measures).toBeNull();
    expect(call.body.legs[1].measures.durationMs).toBe(45_000);
    expect((await api('ann', '/calls/moved-1')).status).toBe(200);
    expect((await api('southLead', '/calls/moved-1')).status).toBe(200);
  });

  it('answers 404 to an agent with no leg on it and to an agent of another tenant', async () => {
    for (const as of ['cy', 'globexBob', 'eastLead'] as const) {
      const answer = await api(as, '/calls/moved-1');
      expect([as, answer.status, answer.body.error?.code]).toEqual([as, 404, 'NOT_FOUND']);
    }
    const list = await api('globexBob', '/calls');
    expect(list.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['g-1']);
  });

  it('gives each agent the cues of their own leg only, on the call, its timeline and its export', async () => {
    const cues = async (as: 'ann' | 'bob' | 'southLead') => {
      const call = await api(as, '/calls/moved-1');
      const timeline = await api(as, '/calls/moved-1/timeline');
      const exported = await api(as, '/calls/moved-1/export?format=json');
      expectDocumented('/calls/{callId}/timeline', 'GET', 200, timeline.body);
      const ids = (alerts: { alertId: string }[]) => alerts.map((a) => a.alertId);
      return [ids(call.body.alerts), ids(timeline.body.alerts), ids(exported.body.timeline.alerts)];
    };
    expect(await cues('ann')).toEqual([['cue-ann'], ['cue-ann'], ['cue-ann']]);
    expect(await cues('bob')).toEqual([['cue-bob'], ['cue-bob'], ['cue-bob']]);
    // Staff read every alert of the call.
    expect((await cues('southLead'))[0]).toEqual(['cue-ann', 'cue-bob']);
  });

  it("gives an agent no voice analysis of the other agent's leg: timeline, exports, summary", async () => {
    const before = (starts: number[]) => starts.filter((s) => s < 45_000);
    const timeline = await api('bob', '/calls/moved-1/timeline');
    const exported = await api('bob', '/calls/moved-1/export?format=json');
    expectDocumented('/calls/{callId}', 'GET', 200, exported.body.call);
    for (const t of [timeline.body, exported.body.timeline]) {
      expect(t.speakers.agent.windows.startMs.length).toBeGreaterThan(0);
      expect(before(t.speakers.agent.windows.startMs)).toEqual([]);
      expect(before(t.speakers.agent.emotions.startMs)).toEqual([]);
      expect(before(t.dynamics.startMs)).toEqual([]);
    }
    expect(exported.body.call.summary.agentSpeechS).toBeNull();
    const headers = { authorization: `Bearer ${await issueToken(tokens, who.bob)}` };
    const csv = await (
      await fetch(`http://127.0.0.1:${server.port}/calls/moved-1/export?format=csv`, { headers })
    ).text();
    const agentStarts = csv
      .trim()
      .split('\n')
      .map((line) => line.split(','))
      .filter((cells) => cells[1] === 'agent')
      .map((cells) => Number(cells[3]));
    expect(agentStarts.length).toBeGreaterThan(0);
    expect(before(agentStarts)).toEqual([]);
    // Staff read both legs.
    const lead = await api('southLead', '/calls/moved-1/timeline');
    expect(before(lead.body.speakers.agent.windows.startMs).length).toBeGreaterThan(0);
  });

  it("lists and summarises the call for the second leg's agent, over their own leg", async () => {
    const list = await api('bob', '/calls');
    expectDocumented('/calls', 'GET', 200, list.body);
    expect(list.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['moved-1']);
    const summary = await api('bob', '/agents/bob/summary?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z');
    expect(summary.status).toBe(200);
    expectDocumented('/agents/{agentId}/summary', 'GET', 200, summary.body);
    expect([summary.body.calls, summary.body.talkMinutes]).toEqual([1, 0.8]);
  });
});
