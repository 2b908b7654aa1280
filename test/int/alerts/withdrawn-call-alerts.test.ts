// A call withdrawn mid-call (analytics consent withdrawn, or its customer erased while live) with an
// open frustration alert, on a real broker, the real alert service and real WebSocket pages: the
// pages get `erased` with the reason; va.alerts.v1 gets one resolution of the alert (the reason,
// no message or evidence), still one after the service restarts and re-reads every topic, and
// none for a call left alone; the restarted run's snapshot does not show the resolution as an
// alert; and the call store (PGlite), fed the topics' records, marks the alert ended, once.
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../services/alert-service/alert-records.ts';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { parseStoreEvent, type StoreEvent } from '../../../services/call-store/events.ts';
import { decodeStoreRecord, type StoreTopic } from '../../../services/call-store/ingest/map-records.ts';
import { openCallStore } from '../../../services/call-store/store.ts';
import { listAlerts } from '../../../services/call-store/store/calls.ts';
import type { RecordHeaders } from '../../../services/shared/codec.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callErasedCodec } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import {
  alertRecordsInTopic,
  connect,
  emotionRecord,
  login,
  recordsInTopic,
  sendEmotion,
  startCall,
  startHarness,
  startInstance,
  type Harness,
  type TestClient,
  withdrawAnalytics,
} from './harness.ts';

const resolutionsOf = (records: AlertRecord[], callId: string) =>
  records.filter((r) => r.callId === callId && r.state === 'resolved');

/** The call's resolutions once at least one is on the alerts topic. */
const resolutionsAppear = (h: Harness, callId: string) =>
  waitFor(
    'the resolution on va.alerts.v1',
    async () => {
      const found = resolutionsOf(await alertRecordsInTopic(h.topics.alerts), callId);
      return found.length > 0 && found;
    },
    20_000,
    200,
  );

/** A live call of agent-1 with a frustration alert the supervisor's page was pushed. */
async function callWithOpenAlert(
  h: Harness,
  page: TestClient,
): Promise<{ callId: string; alert: AlertView }> {
  const callId = uniqueName('call');
  await startCall(h, callId, 'agent-1', '', 'billing-queue');
  for (let i = 0; i < 10; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
  const frame = await page.waitFor(
    (f) => f.type === 'alert' && (f.alert as AlertView).callId === callId,
    20_000,
  );
  return { callId, alert: frame.alert as AlertView };
}

const erasedFrame = (page: TestClient, callId: string) =>
  page.waitFor((f) => f.type === 'erased' && (f.erased as { callId: string }).callId === callId, 20_000);

describe('alerts of a call withdrawn mid-call', () => {
  it('are resolved on va.alerts.v1 once, across a restart, and the store marks them ended', async () => {
    const h = await startHarness();
    const page = await connect(h, await login(h, 'supervisor'));
    const withdrawn = await callWithOpenAlert(h, page);
    const leftAlone = await callWithOpenAlert(h, page);

    await withdrawAnalytics(h, withdrawn.callId);
    const erased = await erasedFrame(page, withdrawn.callId);
    expect(erased.erased).toMatchObject({ reason: 'CONSENT_WITHDRAWN', alertIds: [withdrawn.alert.alertId] });

    const startedAt = Date.now();
    const resolved = await resolutionsAppear(h, withdrawn.callId);
    const withdrawalToResolutionMs = Date.now() - startedAt;
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      eventId: `${withdrawn.alert.alertId}:resolved`,
      alertId: withdrawn.alert.alertId,
      state: 'resolved',
      resolutionReason: 'CONSENT_WITHDRAWN',
      message: '',
      evidence: [],
      cue: '',
      ruleId: 'customer-frustration',
      agentId: 'agent-1',
    });

    // A restart re-reads every topic (the withdrawal and the alert included): nothing new.
    await h.service.stop('deploy');
    const again = await startInstance(h);
    const readyz = async () => (await fetch(`http://127.0.0.1:${again.service.base.ops.port}/readyz`)).text();
    await expect.poll(readyz, { timeout: 20_000 }).toBe('ready\n');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three ticks of the closer
    const afterRestart = await alertRecordsInTopic(h.topics.alerts);
    expect(resolutionsOf(afterRestart, withdrawn.callId)).toHaveLength(1);
    expect(resolutionsOf(afterRestart, leftAlone.callId)).toHaveLength(0);
    // The new run's snapshot: the call left alone keeps its alert, the resolution is no alert.
    const fresh = await connect(again, await login(again, 'supervisor'));
    const snapshot = fresh.frames.find((f) => f.type === 'snapshot')!;
    expect((snapshot.alerts as AlertView[]).map((a) => a.alertId)).toEqual([leftAlone.alert.alertId]);

    // The call store, fed the records of both calls as its consumer decodes them, twice (a replay).
    const events: StoreEvent[] = [];
    for (const [topic, name] of [
      [h.topics.calls, 'calls'],
      [h.topics.alerts, 'alerts'],
    ] as [string, StoreTopic][])
      for (const m of await recordsInTopic(topic)) {
        const decoded = decodeStoreRecord(name, m.value, m.headers as RecordHeaders);
        if (decoded !== null) events.push(parseStoreEvent(decoded));
      }
    const store = await openCallStore({});
    try {
      await store.write(events);
      await store.write(events);
      const rows = await store.backend.query<{ alert_id: string; ended: boolean; end_reason: string | null }>(
        `SELECT alert_id, ended_at IS NOT NULL AS ended, end_reason FROM alerts ORDER BY alert_id`,
      );
      expect(rows).toEqual(
        [
          { alert_id: withdrawn.alert.alertId, ended: true, end_reason: 'CONSENT_WITHDRAWN' },
          { alert_id: leftAlone.alert.alertId, ended: false, end_reason: null },
        ].sort((a, b) => (a.alert_id < b.alert_id ? -1 : 1)),
      );
      // As the API serves it (GET /calls/{id}: the alert's `end`).
      const served = await listAlerts(store.backend, 'demo', withdrawn.callId);
      expect(served.map((a) => a.end?.reason ?? null)).toEqual(['CONSENT_WITHDRAWN']);
      expect((await listAlerts(store.backend, 'demo', leftAlone.callId)).map((a) => a.end)).toEqual([null]);
    } finally {
      await store.close();
    }
    console.log(JSON.stringify({ withdrawal_to_resolution_read_ms: withdrawalToResolutionMs }));
  }, 120_000);

  it('are resolved as ERASED when the store erases the live call, and the pages are told so', async () => {
    const h = await startHarness();
    const page = await connect(h, await login(h, 'supervisor'));
    const agentPage = await connect(h, await login(h, 'agent-1'));
    const call = await callWithOpenAlert(h, page);
    const erasure = {
      tenant: 'demo',
      callId: call.callId,
      erasureId: uniqueName('erasure'),
      erasedAtMs: Date.now(),
    };
    await sendRecords(h.producer, [
      outRecord(h.topics.erasures, callErasedCodec, `demo/${call.callId}`, erasure),
    ]);
    expect((await erasedFrame(page, call.callId)).erased).toMatchObject({ reason: 'ERASED' });
    expect((await erasedFrame(agentPage, call.callId)).erased).toMatchObject({ reason: 'ERASED' });
    const resolved = await resolutionsAppear(h, call.callId);
    expect(resolved.map((r) => [r.alertId, r.resolutionReason])).toEqual([[call.alert.alertId, 'ERASED']]);
  }, 120_000);
});
