// A QA reviewer reads but never acknowledges (FORBIDDEN over the WebSocket,
// no Acknowledge button), and the QA API gives each role what the WebSocket gives it: an agent
// reading its own call gets its cues but no supervisor alert and no reviewer's note or score.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { uniqueName } from '../../support/kafka.ts';
import { connect, emotionRecord, login, sendEmotion, startCall, startHarness } from '../alerts/harness.ts';

describe('QA reviewers on the WebSocket', () => {
  it('see supervisor alerts but their acknowledgement is refused with FORBIDDEN, as an agent’s; a supervisor’s is not', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const qa = await connect(h, await login(h, 'qa'));
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const agent = await connect(h, await login(h, 'agent-2'));
    await startCall(h, callId, 'agent-2');
    for (let i = 0; i < 6; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const seen = (await qa.waitFor((f) => f.type === 'alert')).alert as { alertId: string };

    qa.send({ type: 'ack', alertId: seen.alertId });
    const refused = await qa.waitFor((f) => f.type === 'error');
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/qa_reviewer cannot acknowledge/);
    await new Promise((r) => setTimeout(r, 500));
    expect(supervisor.frames.filter((f) => f.type === 'ack')).toEqual([]);

    // Nor may the call's own agent mark it handled (its page has no button; its scorecard counts acks).
    const cue = (await agent.waitFor((f) => f.type === 'alert')).alert as { alertId: string };
    agent.send({ type: 'ack', alertId: cue.alertId });
    const agentRefused = await agent.waitFor((f) => f.type === 'error');
    expect([agentRefused.code, agentRefused.message]).toEqual([
      'FORBIDDEN',
      'role agent cannot acknowledge alerts',
    ]);

    supervisor.send({ type: 'ack', alertId: seen.alertId });
    const ack = await qa.waitFor((f) => f.type === 'ack');
    expect(ack.ack).toMatchObject({ alertId: seen.alertId, acknowledgedBy: 'supervisor' });
  });
});

describe('QA API audience', () => {
  const tokens = {
    secret: new TextEncoder().encode('test-secret-of-at-least-32-bytes!!'),
    issuer: 'va-test',
    audience: 'va-test',
  };
  const who: Record<string, Principal> = {
    agent: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
    supervisor: { userId: 'sup-1', role: 'supervisor', tenant: 'acme', agentId: null, teams: [] },
    qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  };
  let store: CallStore;
  let server: QaServer;
  const alert = (n: number, audience: string): StoreEvent => ({
    kind: 'alert',
    alertId: `acme/call-a:agent:${n}:rule-${audience}`,
    callId: 'call-a',
    tenant: 'acme',
    ruleId: `rule-${audience}`,
    severity: 'warning',
    audience,
    channel: 'agent',
    startMs: n * 1000,
    firedAt: new Date(Date.UTC(2026, 10, 20, 9, 0, n)).toISOString(),
    message: `for ${audience}`,
    evidence: [],
  });

  async function api(as: keyof typeof who, path: string) {
    const headers = { authorization: `Bearer ${await issueToken(tokens, who[as])}` };
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown> & {
      alerts: { audience: string }[];
      reviews: { notes: string }[];
      calls: { reviewScore: number | null }[];
      call: { alerts: { audience: string }[]; reviews: unknown[] };
      timeline: { alerts: { audience: string }[] };
    };
  }
  const audiences = (alerts: { audience: string }[]) => alerts.map((a) => a.audience).sort();

  beforeAll(async () => {
    store = await openCallStore({});
    const callAt = (callId: string, hour: number, seed: number, anger = {}) =>
      syntheticStoreCall({
        callId,
        agentId: 'agent-1',
        startedAt: new Date(Date.UTC(2026, 10, 20, hour, 0)),
        durationS: 60,
        seed,
        ...anger,
      });
    const call = callAt('call-a', 9, 1);
    // call-b: the customer angry 10–30 s and a supervisor-only frustration alert, never acknowledged.
    const angry = callAt('call-b', 10, 2, { angryFromS: 10, angryToS: 30, alert: true });
    await store.write([
      ...syntheticEvents(call),
      alert(10, 'agent'),
      alert(20, 'supervisor'),
      alert(30, 'agent,supervisor'),
      ...syntheticEvents(angry),
    ]);
    const scope = { tenant: 'acme', agentId: null, teams: null };
    await store.addReview(scope, 'call-a', 'qa-1', { notes: 'talks over the customer', scoreOverride: 40 });
    await store.finalizePending(0);
    server = await startQaServer({ store, tokens, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('gives an agent its cues only, and no reviewer notes or review score', async () => {
    const call = await api('agent', '/calls/call-a');
    expect(audiences(call.alerts)).toEqual(['agent', 'agent,supervisor']);
    expect(call.reviews).toEqual([]);
    expect(call.reviewScore).toBeNull();
    for (const path of ['/calls/call-a/timeline', '/calls/call-a/timeline?maxPoints=20']) {
      expect(audiences((await api('agent', path)).alerts)).toEqual(['agent', 'agent,supervisor']);
    }
    const exported = await api('agent', '/calls/call-a/export?format=json');
    expect(audiences(exported.call.alerts)).toEqual(['agent', 'agent,supervisor']);
    expect(audiences(exported.timeline.alerts)).toEqual(['agent', 'agent,supervisor']);
    expect(exported.call.reviews).toEqual([]);
    expect((await api('agent', '/calls')).calls.map((c) => c.reviewScore)).toEqual([null, null]);
  });

  it('counts for an agent only the alerts it was shown: list, detail, summary, filters, agent summary', async () => {
    type Counted = { callId: string; alertsCount: number; unacknowledgedAlerts: number };
    const counts = (c: Counted) => [c.callId, c.alertsCount, c.unacknowledgedAlerts];
    const listed = async (as: keyof typeof who, query = '') =>
      ((await api(as, `/calls${query}`)).calls as unknown as Counted[]).map(counts);
    // call-a: cues at 10 s and 30 s (both for the agent), a supervisor alert at 20 s; call-b: a
    // supervisor-only frustration alert.
    expect(await listed('agent')).toEqual([
      ['call-b', 0, 0],
      ['call-a', 2, 2],
    ]);
    expect(await listed('supervisor')).toEqual([
      ['call-b', 1, 1],
      ['call-a', 3, 3],
    ]);
    expect((await listed('agent', '?alerts=fired')).map(([id]) => id)).toEqual(['call-a']);
    expect((await listed('agent', '?alerts=none')).map(([id]) => id)).toEqual(['call-b']);
    expect((await listed('supervisor', '?alerts=none')).map(([id]) => id)).toEqual([]);
    const call = (await api('agent', '/calls/call-a')) as unknown as Counted & {
      summary: { alertsCount: number; alertsAcknowledged: number; ackDelaysS: number[] };
    };
    expect(counts(call)).toEqual(['call-a', 2, 2]);
    expect(call.summary).toMatchObject({ alertsCount: 2, alertsAcknowledged: 0, ackDelaysS: [] });
    const staffView = (await api('supervisor', '/calls/call-a')) as unknown as {
      summary: { alertsCount: number };
    };
    expect(staffView.summary.alertsCount).toBe(3);
    const period = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const own = await api('agent', `/agents/agent-1/summary?${period}`);
    expect([own.alertsReceived, own.alertsAcknowledged]).toEqual([2, 0]);
    const bySupervisor = await api('supervisor', `/agents/agent-1/summary?${period}`);
    expect([bySupervisor.alertsReceived, bySupervisor.alertsAcknowledged]).toEqual([4, 0]);
    // Nor does the summary's de-escalation (one time per frustration alert) or the scorecard's
    // alert-handling part tell the agent of call-b's supervisor-only alert.
    type Scored = {
      summary: { deEscalationS: unknown[] };
      scorecard: { parts: { name: string; value: number | null }[] };
    };
    const part = (c: Scored, name: string) => c.scorecard.parts.find((p) => p.name === name)?.value;
    const agentView = (await api('agent', '/calls/call-b')) as unknown as Scored;
    const supervisorView = (await api('supervisor', '/calls/call-b')) as unknown as Scored;
    expect([
      agentView.summary.deEscalationS,
      part(agentView, 'alertHandling'),
      part(agentView, 'deEscalation'),
    ]).toEqual([[], null, null]);
    // Call-b's only alert was the supervisor's alone: not the agent's to acknowledge, so the
    // alert-handling part does not apply for anyone (it counted it "never acknowledged", 0).
    expect([supervisorView.summary.deEscalationS.length, part(supervisorView, 'alertHandling')]).toEqual([
      1,
      null,
    ]);
    expect(part(supervisorView, 'deEscalation')).not.toBeNull();
  });

  it('gives supervisors and QA reviewers every alert (the agent cues too: a review checks them) and the reviews', async () => {
    for (const role of ['supervisor', 'qa'] as const) {
      const call = await api(role, '/calls/call-a');
      expect(audiences(call.alerts)).toEqual(['agent', 'agent,supervisor', 'supervisor']);
      expect(call.reviews.map((r) => r.notes)).toEqual(['talks over the customer']);
      expect(call.reviewScore).toBe(40);
      const timeline = await api(role, '/calls/call-a/timeline');
      expect(audiences(timeline.alerts)).toEqual(['agent', 'agent,supervisor', 'supervisor']);
    }
  });
});
