// QA verdicts on alerts, on both backends: one per alert, the latest write winning and the same
// write again changing nothing; read back on the call; refused for an alert the call lacks or a
// call out of the reader's scope; the precision report per rule over the reader's calls (an
// escalation's verdict standing for its alert, no figure below the minimum, the Wilson interval
// from it on); and gone with the alert, the call or the customer, purged with the call, the
// reviewer's id and the reasons of an erased agent's calls not kept.
import { expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import type { Scope } from '../../../services/shared/auth/call-access.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const staff: Scope = { tenant: 'acme', agentId: null, teams: null };
const CUSTOMER = pseudonymiseCustomerRef('verdict-test-key-0123456789abcdef', 'acme', '+44 7700 900031');
const HOUR = 3_600_000;

/** `n` calls of one frustration alert each (rule customer-frustration, customer channel). */
async function frustrationCalls(
  store: CallStore,
  prefix: string,
  n: number,
  extra: { team?: string; tenant?: string; startedAt?: Date } = {},
): Promise<{ callId: string; alertId: string }[]> {
  const made: { callId: string; alertId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const call = syntheticStoreCall({
      callId: `${prefix}-${i}`,
      tenant: extra.tenant ?? 'acme',
      team: extra.team ?? 'north',
      startedAt: extra.startedAt ?? new Date(Date.now() - 2 * HOUR),
      durationS: 40,
      angryFromS: 10,
      angryToS: 30,
      alert: true,
      seed: i + 1,
    });
    await store.write(syntheticEvents(call));
    const alert = call.alerts.find((e) => e.kind === 'alert');
    made.push({ callId: call.start.callId, alertId: (alert as { alertId: string }).alertId });
  }
  await store.finalizePending(0);
  return made;
}

const count = async (store: CallStore, sql: string, params: unknown[]) =>
  (await store.backend.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params))[0].n;

describeEachBackend('alert verdicts (%s)', (store) => {
  const life = lifecycleCall({ callId: 'v-life', tenant: 'acme', startedAt: new Date(Date.now() - HOUR) });

  it('keeps one verdict per alert: the latest wins, the same one again changes nothing', async () => {
    await store().write(life.events);
    await store().finalizePending(0);
    const first = await store().putVerdict(staff, 'v-life', life.ids.frustration, 'qa-1', {
      verdict: 'wrong',
      reason: '  only loud, not angry ',
    });
    expect(first).toMatchObject({ verdict: 'wrong', reason: 'only loud, not angry', reviewer: 'qa-1' });
    const again = await store().putVerdict(staff, 'v-life', life.ids.frustration, 'qa-1', {
      verdict: 'wrong',
      reason: 'only loud, not angry',
    });
    expect(again.judgedAt).toBe(first.judgedAt);
    const changed = await store().putVerdict(staff, 'v-life', life.ids.frustration, 'qa-2', {
      verdict: 'right',
    });
    expect(changed).toMatchObject({ verdict: 'right', reason: null, reviewer: 'qa-2' });
    const call = await store().getCall(staff, 'v-life');
    const verdicts = new Map(call.alerts.map((a) => [a.alertId, a.verdict]));
    expect(verdicts.get(life.ids.frustration)).toMatchObject({ verdict: 'right', reviewer: 'qa-2' });
    expect(verdicts.get(life.ids.moodDrop)).toBeNull();
    expect(await count(store(), 'SELECT 1 FROM alert_verdicts WHERE tenant = $1', ['acme'])).toBe(1);
  });

  it('refuses an unknown verdict, a long reason, an alert the call lacks and a call out of scope', async () => {
    const put = (scope: Scope, alertId: string, body: unknown) =>
      store().putVerdict(scope, 'v-life', alertId, 'qa-1', body);
    await expect(put(staff, life.ids.frustration, { verdict: 'maybe' })).rejects.toMatchObject({
      code: 'INVALID_BODY',
      details: [expect.stringMatching(/^verdict: /)],
    });
    await expect(
      put(staff, life.ids.frustration, { verdict: 'wrong', reason: 'x'.repeat(501) }),
    ).rejects.toMatchObject({ code: 'INVALID_BODY', details: [expect.stringMatching(/^reason: /)] });
    await expect(
      put(staff, life.ids.frustration, { verdict: 'wrong', reason: 'a\nb' }),
    ).rejects.toMatchObject({
      code: 'INVALID_BODY',
    });
    await expect(put(staff, 'no-such-alert', { verdict: 'right' })).rejects.toMatchObject({
      code: 'UNKNOWN_ALERT',
    });
    // Another call's alert is not this call's.
    const [other] = await frustrationCalls(store(), 'v-other', 1);
    await expect(put(staff, other.alertId, { verdict: 'right' })).rejects.toMatchObject({
      code: 'UNKNOWN_ALERT',
    });
    for (const scope of [
      { tenant: 'globex', agentId: null, teams: null },
      { tenant: 'acme', agentId: null, teams: ['south'] },
    ])
      await expect(put(scope, life.ids.frustration, { verdict: 'wrong' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    expect(
      (await store().getCall(staff, 'v-life')).alerts.find((a) => a.alertId === life.ids.frustration)
        ?.verdict,
    ).toMatchObject({ verdict: 'right', reviewer: 'qa-2' });
  });

  it('reports precision per rule and subject, only with enough verdicts, in the reader scope', async () => {
    const period = { from: new Date(Date.now() - 3 * HOUR).toISOString() };
    const north = await frustrationCalls(store(), 'v-north', 12, { team: 'north' });
    const south = await frustrationCalls(store(), 'v-south', 3, { team: 'south' });
    const globex = await frustrationCalls(store(), 'v-globex', 2, { tenant: 'globex' });
    // 9 right, 3 wrong in north; every south alert wrong; a globex verdict the others never see.
    for (const [i, a] of north.entries())
      await store().putVerdict(staff, a.callId, a.alertId, 'qa-1', { verdict: i < 9 ? 'right' : 'wrong' });
    for (const a of south) await store().putVerdict(staff, a.callId, a.alertId, 'qa-1', { verdict: 'wrong' });
    const globexScope = { tenant: 'globex', agentId: null, teams: null };
    await store().putVerdict(globexScope, globex[0].callId, globex[0].alertId, 'qa-9', { verdict: 'right' });
    // The escalation's verdict stands for its alert (agent-stress-rising, judged once).
    await store().putVerdict(staff, 'v-life', life.ids.escalation, 'sup-1', { verdict: 'unsure' });

    const rule = async (scope: Scope, ruleId: string, extra: { team?: string } = {}) =>
      (await store().alertPrecision(scope, { ...period, ...extra })).rules.find((r) => r.ruleId === ruleId);
    // Every acme alert of the rule: v-life's, v-other's (no verdict), north's and south's.
    const all = await rule(staff, 'customer-frustration');
    expect(all).toMatchObject({
      subject: 'customer',
      raised: 17,
      judged: 16,
      right: 10,
      wrong: 6,
      unsure: 0,
    });
    expect(all?.enoughVerdicts).toBe(true);
    expect(all?.precision).toBeCloseTo(10 / 16, 6);
    // Wilson 95 % for 10 of 16 (Brown, Cai & DasGupta's formula): [0.3864, 0.8152].
    expect(all?.ci95?.[0]).toBeCloseTo(0.3864, 3);
    expect(all?.ci95?.[1]).toBeCloseTo(0.8152, 3);
    const stress = await rule(staff, 'agent-stress-rising');
    expect(stress).toMatchObject({ subject: 'agent', raised: 1, judged: 1, unsure: 1, precision: null });
    // A team lead of south sees their 3 wrong verdicts only: too few for a figure.
    const southLead = { tenant: 'acme', agentId: null, teams: ['south'] };
    expect(await rule(southLead, 'customer-frustration')).toMatchObject({
      raised: 3,
      wrong: 3,
      right: 0,
      precision: null,
      ci95: null,
      enoughVerdicts: false,
    });
    // The team filter inside a tenant-wide scope: north alone (v-other's alert too), 9 of 12 judged.
    expect(await rule(staff, 'customer-frustration', { team: 'north' })).toMatchObject({
      raised: 13,
      right: 9,
      wrong: 3,
      precision: 0.75,
    });
    // A reader of another tenant gets its own calls only.
    expect(await rule(globexScope, 'customer-frustration')).toMatchObject({ raised: 2, right: 1, judged: 1 });
    // A period before every call: nothing.
    const none = await store().alertPrecision(staff, { to: period.from });
    expect(none.rules).toEqual([]);
  });

  it('erases verdicts with their call, their customer and their alert; purges them with the call', async () => {
    const withCustomer = syntheticStoreCall({
      callId: 'v-customer',
      customerRef: CUSTOMER,
      startedAt: new Date(Date.now() - HOUR),
      durationS: 40,
      angryFromS: 10,
      angryToS: 30,
      alert: true,
      seed: 5,
    });
    await store().write(syntheticEvents(withCustomer));
    const [erasedCall] = await frustrationCalls(store(), 'v-erase-call', 1);
    const [expired] = await frustrationCalls(store(), 'v-expired', 1, {
      startedAt: new Date(Date.now() - 100 * 24 * HOUR),
    });
    const alertOf = (events: { kind: string }[]) =>
      (events.find((e) => e.kind === 'alert') as unknown as { alertId: string }).alertId;
    for (const [callId, alertId] of [
      ['v-customer', alertOf(withCustomer.alerts)],
      [erasedCall.callId, erasedCall.alertId],
      [expired.callId, expired.alertId],
    ])
      await store().putVerdict(staff, callId, alertId, 'qa-1', { verdict: 'wrong', reason: 'private words' });
    const left = (callId: string) =>
      count(store(), 'SELECT 1 FROM alert_verdicts WHERE tenant = $1 AND call_id = $2', ['acme', callId]);

    const byCustomer = await store().eraseCustomer('acme', CUSTOMER, 'admin-1');
    expect(byCustomer.rows.alert_verdicts).toBe(1);
    expect(await left('v-customer')).toBe(0);
    const byCall = await store().eraseCall('acme', erasedCall.callId, 'admin-1');
    expect(byCall.rows.alert_verdicts).toBe(1);
    expect(await left(erasedCall.callId)).toBe(0);
    await store().purgeExpired({ defaultDays: 90, orphanGraceMs: 24 * HOUR });
    expect(await left(expired.callId)).toBe(0);
    // An alert deleted on its own (here by hand, as a consent withdrawal deletes it) takes its verdict.
    await store().putVerdict(staff, 'v-life', life.ids.moodDrop, 'qa-1', {
      verdict: 'unsure',
      reason: 'private words',
    });
    expect(
      await count(store(), 'SELECT 1 FROM alert_verdicts WHERE alert_id = $1', [life.ids.moodDrop]),
    ).toBe(1);
    await store().backend.query('DELETE FROM alerts WHERE tenant = $1 AND alert_id = $2', [
      'acme',
      life.ids.moodDrop,
    ]);
    expect(
      await count(store(), 'SELECT 1 FROM alert_verdicts WHERE alert_id = $1', [life.ids.moodDrop]),
    ).toBe(0);
    expect(await count(store(), "SELECT 1 FROM alert_verdicts WHERE reason = 'private words'", [])).toBe(0);
  });

  it("an agent's erasure takes their cues' verdicts, the reasons on their calls and their id as a reviewer", async () => {
    const ann = lifecycleCall({
      callId: 'v-ann',
      tenant: 'acme',
      agentId: 'ann',
      startedAt: new Date(Date.now() - HOUR),
    });
    await store().write(ann.events);
    await store().finalizePending(0);
    await store().putVerdict(staff, 'v-ann', ann.ids.stress, 'qa-1', {
      verdict: 'right',
      reason: 'ann sounded tense',
    });
    await store().putVerdict(staff, 'v-ann', ann.ids.frustration, 'qa-1', {
      verdict: 'wrong',
      reason: 'ann was fine',
    });
    // A QA reviewer who is also an agent id of the tenant (a team member judging a colleague's call).
    await store().putVerdict(staff, 'v-life', life.ids.recovery, 'ann', { verdict: 'right' });
    const erased = await store().eraseAgent('acme', 'ann', 'admin-1');
    expect(erased.rows).toMatchObject({
      alert_verdicts: 1,
      'alert_verdicts:reason': 1,
      'alert_verdicts:reviewer': 1,
    });
    const rows = await store().backend.query<{
      alert_id: string;
      verdict: string;
      reason: string | null;
      reviewer: string;
    }>(
      'SELECT alert_id, verdict, reason, reviewer FROM alert_verdicts WHERE tenant = $1 AND call_id = ANY($2::text[])',
      ['acme', ['v-ann', 'v-life']],
    );
    const byAlert = new Map(rows.map((r) => [r.alert_id, r]));
    expect(byAlert.has(ann.ids.stress)).toBe(false);
    expect(byAlert.get(ann.ids.frustration)).toMatchObject({ verdict: 'wrong', reason: null });
    expect(byAlert.get(life.ids.recovery)?.reviewer).toMatch(/^erased-agent:/);
    expect(rows.some((r) => r.reviewer === 'ann')).toBe(false);
  });
});
