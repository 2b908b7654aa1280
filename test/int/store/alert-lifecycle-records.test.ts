// What became of each alert, from the records the alert service really writes: its rules engine
// (the shipped rules) judges a call, each alert goes onto va.alerts.v1 as alert-records.ts encodes
// it (acknowledgements too), and the store takes them through its record mapping.
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './backends.ts';
import { emotion, engineWith, features, range, run } from '../../unit/pipelines/alerts/helpers.ts';
import {
  alertRecordCodec,
  toAlertRecord,
  toAckRecord,
} from '../../../services/alert-service/alert-records.ts';
import { alertAckCodec } from '../../../services/shared/records.ts';
import { decodeStoreRecord } from '../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent, type StoreEvent } from '../../../services/call-store/events.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';

const startedAt = new Date(Date.now() - 3_600_000);
const owner = { tenant: 'acme', agentId: 'agent-1', team: '', queue: '' };
const staff = { tenant: 'acme', agentId: null, teams: null };

/** The engine's alerts of a call as the store ingests their va.alerts.v1 records. */
function alertEvents(): StoreEvent[] {
  const seq = [];
  // Customer: angry (0-12 s), then sad and quiet for three minutes (no recovery: the rule wants
  // calm after anger), angry again (200-215 s), then calm: a recovery at 221 s.
  for (const i of range(0, 240)) {
    seq.push(
      i < 12
        ? emotion(i, 'customer', 'angry')
        : i < 200
          ? emotion(i, 'customer', 'sad', { arousal: 0.25 })
          : i < 215
            ? emotion(i, 'customer', 'angry')
            : emotion(i, 'customer', 'neutral'),
    );
    if (i < 80) seq.push(features(i, 'agent', { rate: 8, speech: 0.9 }));
  }
  return run(engineWith(), seq).map((alert) => {
    const firedAtMs = startedAt.getTime() + alert.audioMs + 500;
    const record = toAlertRecord(alert, owner, { firedAtMs, audioCompletedAtMs: firedAtMs });
    return parseStoreEvent(
      decodeStoreRecord('alerts', alertRecordCodec.encode(record), alertRecordCodec.headers()),
    );
  });
}

function ackEvent(alertId: string, by: string, atMs: number): StoreEvent {
  const record = toAckRecord(
    { alertId, callId: 'call-1', acknowledgedBy: by, acknowledgedAtMs: startedAt.getTime() + atMs },
    'acme',
  );
  return parseStoreEvent(decodeStoreRecord('alerts', alertAckCodec.encode(record), alertAckCodec.headers()));
}

describeEachBackend('alert lifecycles from the alert service records on %s', (opened) => {
  let store: CallStore;
  let alerts: StoreEvent[];
  beforeAll(async () => {
    store = opened();
    const call = syntheticStoreCall({
      callId: 'call-1',
      tenant: 'acme',
      agentId: 'agent-1',
      startedAt,
      durationS: 240,
    });
    alerts = alertEvents();
    await store.write([call.start, ...alerts, call.end]);
  });

  it('raises the alerts expected', () => {
    expect(alerts.map((a) => (a as { alertId: string }).alertId)).toEqual([
      'call-1:customer:2:customer-frustration',
      'call-1:agent:13:agent-too-fast',
      'call-1:agent:58:agent-too-fast.escalated',
      'call-1:customer:202:customer-frustration',
      'call-1:customer:219:customer-recovered',
    ]);
  });

  it('ends by a recovery only the episode the recovery followed', async () => {
    const got = await store.getCall(staff, 'call-1');
    const life = Object.fromEntries(got.alerts.map((a) => [a.alertId, a.lifecycle]));
    expect(life['call-1:agent:13:agent-too-fast'].escalated).toMatchObject({
      alertId: 'call-1:agent:58:agent-too-fast.escalated',
      audioMs: 60_000,
    });
    expect(life['call-1:customer:202:customer-frustration'].ended).toMatchObject({ reason: 'RECOVERED' });
    // The first frustration episode ended 12 s in, in sadness; three minutes later another
    // episode began, and the recovery at 3:41 followed that one.
    expect(life['call-1:customer:2:customer-frustration'].ended).not.toMatchObject({ reason: 'RECOVERED' });
  });

  it('keeps the first acknowledgement when two supervisors acknowledged and the later one came first', async () => {
    const alertId = 'call-1:customer:202:customer-frustration';
    await store.write([ackEvent(alertId, 'supervisor-2', 206_300)]);
    await store.write([ackEvent(alertId, 'supervisor-1', 206_000)]);
    const got = await store.getCall(staff, 'call-1');
    const life = got.alerts.find((a) => a.alertId === alertId)?.lifecycle;
    expect(life?.acknowledged).toMatchObject({ by: 'supervisor-1' });
  });
});
