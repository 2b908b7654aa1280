// A call whose customer line was suspected one-way (the dsp-worker's customerLineFaultMs,
// pipelines/dsp/line-watch.ts) through the call store's Kafka ingest into both databases: the
// windows keep the fault (migration 027), the summary says how long (once across overlapping
// windows), and the scorecard judges talk ratio over the rest of the call and not mutual silence,
// saying why; the same call without the fault is judged on both as before. Its supervisor-only
// customer-line-fault alert, never acknowledged, is left out of the agent's alertHandling (the
// agent never saw it); the summary still counts it.
import { expect, it } from 'vitest';
import {
  syntheticEvents,
  syntheticStoreCall,
  type SyntheticStoreCall,
} from '../../../devkit/records/store-call.ts';
import type { StoreEvent } from '../../../services/call-store/events.ts';
import { toKafka } from '../../../devkit/records/store-records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn } from '../../support/store-ingest.ts';
import { describeEachBackendOnKafka } from './backends.ts';

describeEachBackendOnKafka('call-store line fault on %s', 'call-store-line-fault', (deps) => {
  it('stores a one-way customer line, judges talk ratio outside it and leaves silence unjudged', async () => {
    const { store, kafka, producer } = deps();
    const on = await createStoreTopics(kafka);
    const faulty = syntheticStoreCall({
      callId: `oneway-${uniqueName('c')}`,
      durationS: 90,
      lineFaultFromS: 40,
      lineFaultToS: 70,
    });
    faulty.alerts.push(...lineAlerts(faulty));
    const clean = syntheticStoreCall({ callId: `clean-${uniqueName('c')}`, durationS: 90 });
    for (const call of [faulty, clean])
      for (const batch of toKafka(syntheticEvents(call), on.topics)) await producer.send(batch);
    const ingest = storeIngestOn(on, { kafka, producer, store }, 'call-store-line-fault');
    await ingest.start();
    try {
      const ended = async (callId: string) =>
        (
          await store.backend.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM calls WHERE call_id = $1 AND status = 'ended'`,
            [callId],
          )
        )[0].n === 1;
      await waitFor(
        'both calls ended',
        async () => (await ended(faulty.start.callId)) && (await ended(clean.start.callId)),
        60_000,
      );
      // Both calls' windows: the clean call's are judged too, and a window still in flight when
      // the calls are finalized left its talk ratio unjudged (seen under load).
      const allWindows = async (call: typeof faulty) =>
        (
          await store.backend.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM dynamics_windows WHERE call_id = $1`,
            [call.start.callId],
          )
        )[0].n === call.body.filter((e) => e.kind === 'dynamics').length;
      await waitFor(
        'every dynamics window',
        async () => (await allWindows(faulty)) && (await allWindows(clean)),
        60_000,
      );
      await waitFor(
        'both alerts and the acknowledgement',
        async () =>
          (
            await store.backend.query<{ n: number }>(
              `SELECT count(*)::int + (SELECT count(*)::int FROM alert_acks k WHERE k.alert_id LIKE $2) AS n
                 FROM alerts WHERE call_id = $1`,
              [faulty.start.callId, `%${faulty.start.callId}%`],
            )
          )[0].n === 3,
        60_000,
      );
      const rows = await store.backend.query<{ ms: number; talk: number | null }>(
        `SELECT sum(customer_line_fault_ms)::int AS ms, count(talk_ratio_agent)::int AS talk FROM dynamics_windows
          WHERE call_id = $1 AND customer_line_fault_ms > 0`,
        [faulty.start.callId],
      );
      // 30 s in 2-s windows with a 1-s hop: each second in two of them; none with a talk ratio.
      expect(rows[0]).toEqual({ ms: 60_000, talk: 0 });
      await store.finalizePending(0);
      const all = { tenant: 'acme', agentId: null, teams: null };
      const stored = await store.getCall(all, faulty.start.callId);
      expect((stored.summary as { customerLineFaultS?: number }).customerLineFaultS).toBe(30);
      type Parts = { parts: { name: string; value: number | null; explanation: string }[] };
      const part = (call: typeof stored, name: string) =>
        (call.scorecard as Parts | null)?.parts.find((p) => p.name === name);
      // Talk ratio judged over the rest of the call (0.5 there: 1), not dropped for the whole call.
      expect(part(stored, 'talkRatio')).toMatchObject({
        value: 1,
        explanation: expect.stringMatching(/^agent share of speech outside the 30 s .*one-way/),
      });
      expect(part(stored, 'mutualSilence')?.value).toBeNull();
      // The long-silence cue acknowledged in 20 s counts; the line fault, the supervisor's alone, not.
      expect((stored.summary as { alertsCount: number }).alertsCount).toBe(2);
      expect(part(stored, 'alertHandling')).toMatchObject({
        value: 1,
        explanation: expect.stringMatching(/1 supervisor-only alert\(s\) not counted/),
      });
      const plain = await store.getCall(all, clean.start.callId);
      expect('customerLineFaultS' in (plain.summary as object)).toBe(false);
      expect(part(plain, 'talkRatio')?.value).toBe(1);
      expect(part(plain, 'mutualSilence')?.value).toBe(1);
    } finally {
      await ingest.stop();
    }
  });
});

/**
 * A long-silence cue to agent and supervisor (the store's comma-joined audience) at 30 s,
 * acknowledged 20 s later, and the customer-line-fault alert to supervisors at 60 s, never.
 */
function lineAlerts(call: SyntheticStoreCall): StoreEvent[] {
  const { callId, tenant } = call.start as { callId: string; tenant: string };
  const startedAt = Date.parse((call.start as { startedAt: string }).startedAt);
  const alert = (ruleId: string, audience: string, atS: number): StoreEvent => ({
    kind: 'alert',
    alertId: `${tenant}/${callId}:call:${atS}:${ruleId}`,
    callId,
    tenant,
    ruleId,
    severity: 'info',
    audience,
    channel: null,
    startMs: atS * 1000,
    firedAt: new Date(startedAt + atS * 1000).toISOString(),
    message: ruleId,
    evidence: [],
  });
  const silence = alert('long-silence', 'agent,supervisor', 30);
  return [
    silence,
    alert('customer-line-fault', 'supervisor', 60),
    {
      kind: 'ack',
      alertId: (silence as { alertId: string }).alertId,
      callId,
      tenant,
      ackedBy: 'agent-1',
      ackedAt: new Date(startedAt + 50_000).toISOString(),
    },
  ];
}
