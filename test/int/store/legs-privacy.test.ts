// Between the agents of a transferred call: each reads the voice analysis of their own legs only
// (README, "Legs of a transferred call"). The timeline (stored and downsampled), the JSON and CSV
// exports and the summary's agent-side figures leave out the other agent's leg, and an agent's
// list counts the cues of their own legs; the customer's channel and the score stay whole-call,
// and staff read everything. From review revlegs (582e006).
// On both backends.
import { beforeAll, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };
const agent = (agentId: string) => ({ tenant: 'acme', agentId, teams: null });
const HANDOVER_MS = 45_000;

type Lane = { startMs: number[] };
const startsOf = (lane: unknown) => (lane as Lane).startMs;

describeEachBackend('legs privacy on %s', (opened) => {
  let store: CallStore;
  beforeAll(async () => {
    store = opened();
    // ann 0–45 s, bob 45–90 s, both channels analysed throughout.
    const call = syntheticStoreCall({ callId: 'p1', agentId: 'ann', team: 'north', durationS: 90 });
    const second = { ...call.start, agentId: 'bob', team: 'south', legStartMs: HANDOVER_MS } as StoreEvent;
    // One pace cue, to ann in her leg (20 s).
    const cue = {
      kind: 'alert',
      alertId: 'cue-ann',
      callId: 'p1',
      tenant: 'acme',
      ruleId: 'agent-pace',
      severity: 'info',
      audience: 'agent',
      channel: 'agent',
      startMs: 20_000,
      firedAt: '2026-11-20T09:00:20.000Z',
      message: 'Slow down',
    } as StoreEvent;
    await store.write([
      { ...call.start, legStartMs: 0 } as StoreEvent,
      ...syntheticEvents(call).slice(1),
      second,
      cue,
    ]);
    expect(await store.finalizeCall('acme', 'p1')).toBe(true);
  });

  it("gives an agent no agent-channel window, emotion or dynamics of the other agent's leg", async () => {
    for (const maxPoints of [null, 1_000]) {
      const whole = await store.getTimeline(staff, 'p1', maxPoints);
      const bob = await store.getTimeline(agent('bob'), 'p1', maxPoints);
      const ann = await store.getTimeline(agent('ann'), 'p1', maxPoints);
      // Staff (and the stored timeline) have both legs.
      expect(startsOf(whole.speakers.agent.windows).some((s) => s < HANDOVER_MS)).toBe(true);
      expect(startsOf(whole.dynamics).some((s) => s < HANDOVER_MS)).toBe(true);
      for (const lane of [bob.speakers.agent.windows, bob.speakers.agent.emotions, bob.dynamics]) {
        expect(startsOf(lane).length).toBeGreaterThan(0);
        expect(startsOf(lane).filter((s) => s < HANDOVER_MS)).toEqual([]);
      }
      for (const lane of [ann.speakers.agent.windows, ann.speakers.agent.emotions, ann.dynamics]) {
        expect(startsOf(lane).length).toBeGreaterThan(0);
        expect(startsOf(lane).filter((s) => s >= HANDOVER_MS)).toEqual([]);
      }
      // The customer's channel is the whole call's for both.
      expect(startsOf(bob.speakers.customer.windows)).toEqual(startsOf(whole.speakers.customer.windows));
    }
  });

  it("leaves the other agent's leg out of the CSV export", async () => {
    const rows = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([, channel, , startMs]) => ({ channel, startMs: Number(startMs) }));
    const whole = rows(await store.exportCsv(staff, 'p1'));
    const bob = rows(await store.exportCsv(agent('bob'), 'p1'));
    const agentStarts = (r: typeof whole) => r.filter((x) => x.channel === 'agent').map((x) => x.startMs);
    expect(agentStarts(whole).some((s) => s < HANDOVER_MS)).toBe(true);
    expect(agentStarts(bob).length).toBeGreaterThan(0);
    expect(agentStarts(bob).filter((s) => s < HANDOVER_MS)).toEqual([]);
    expect(bob.filter((x) => x.channel === 'customer')).toEqual(
      whole.filter((x) => x.channel === 'customer'),
    );
  });

  it("hides the summary's whole-call agent-side figures from an agent; staff keep them", async () => {
    const whole = await store.getCall(staff, 'p1');
    const bob = await store.getCall(agent('bob'), 'p1');
    const summaryOf = (c: typeof whole) => c.summary as Record<string, unknown>;
    expect(summaryOf(whole).agentSpeechS).toBeGreaterThan(0);
    for (const key of ['agentSpeechS', 'agentPaceCompliance', 'agentTensionCompliance', 'talkRatioAgent'])
      expect(summaryOf(bob)[key]).toBeNull();
    // The customer's figures and the score stay whole-call; bob has his own leg's figures.
    expect(summaryOf(bob).customerSpeechS).toBe(summaryOf(whole).customerSpeechS);
    expect(bob.score).toBe(whole.score);
    expect(bob.legs.find((l) => l.agentId === 'bob')?.measures?.agentSpeechS).toBeGreaterThan(0);
    const part = (c: typeof whole, name: string) =>
      (c.scorecard as { parts: { name: string; measure: number | null }[] }).parts.find(
        (p) => p.name === name,
      );
    expect(part(bob, 'agentPace')?.measure).toBeNull();
    expect(part(whole, 'agentPace')).toBeDefined();
  });

  it("counts in an agent's list the cues of their own legs, as the call page shows them", async () => {
    const list = async (scope: ReturnType<typeof agent> | typeof staff, alerts?: string) =>
      (
        await store.searchCalls(scope, { limit: 50, sort: 'startedAt', order: 'desc', alerts } as never)
      ).calls.map((c) => [c.callId, c.alertsCount, c.unacknowledgedAlerts]);
    expect(await list(agent('ann'))).toEqual([['p1', 1, 1]]);
    expect(await list(agent('bob'))).toEqual([['p1', 0, 0]]);
    expect(await list(staff)).toEqual([['p1', 1, 1]]);
    // The alerts= filter reads the same counts.
    expect(await list(agent('bob'), 'fired')).toEqual([]);
    expect(await list(agent('bob'), 'unacknowledged')).toEqual([]);
    expect(await list(agent('bob'), 'none')).toEqual([['p1', 0, 0]]);
    expect(await list(agent('ann'), 'unacknowledged')).toEqual([['p1', 1, 1]]);
    // The call itself, as loaded for an agent, carries the same counts.
    expect((await store.getCall(agent('bob'), 'p1')).alertsCount).toBe(0);
  });
});
