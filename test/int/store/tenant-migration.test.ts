// Migration 004 (calls keyed by tenant and call id): rows written before it stay readable by their
// tenant — child rows take their call's tenant — and stay invisible to every other tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from '../../../services/call-store/backend/backend.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { upgradeFrom } from './old-schema.ts';

const acme = { tenant: 'acme', agentId: null, teams: null };
const other = { tenant: 'other', agentId: null, teams: null };

/** One finished call as the store kept it before migration 004 (no tenant on child rows). */
const OLD_ROWS = [
  `INSERT INTO calls (call_id, tenant, agent_id, started_at, ended_at, duration_ms, status)
   VALUES ('old-1', 'acme', 'agent-1', '2026-11-20T09:00:00Z', '2026-11-20T09:01:00Z', 60000, 'ended')`,
  `INSERT INTO speaker_windows (call_id, channel, window_index, start_ms, end_ms, speech_fraction,
     voiced_fraction, pitch_hz, features)
   VALUES ('old-1', 'customer', 0, 0, 2000, 0.9, 0.7, 180, '{}'::jsonb)`,
  `INSERT INTO emotion_events (call_id, channel, window_index, start_ms, end_ms, state, raw_label, arousal,
     valence, confidence, probabilities, evidence)
   VALUES ('old-1', 'customer', 0, 0, 2000, 'angry', 'angry', 0.9, 0.1, 0.8, '{}'::jsonb, '[]'::jsonb)`,
  `INSERT INTO alerts (alert_id, call_id, tenant, rule_id, severity, audience, start_ms, fired_at, message,
     evidence)
   VALUES ('old-1:customer:0:anger', 'old-1', 'acme', 'anger', 'warning', 'supervisor', 0,
     '2026-11-20T09:00:02Z', 'customer angry', '[]'::jsonb)`,
  `INSERT INTO alert_acks (alert_id, call_id, acked_by, acked_at)
   VALUES ('old-1:customer:0:anger', 'old-1', 'sup-1', '2026-11-20T09:00:05Z')`,
  `INSERT INTO reviews (review_id, call_id, tenant, reviewer, notes) VALUES ('r-1', 'old-1', 'acme', 'qa', 'fine')`,
];

describe('migration 004: tenant in every key', () => {
  let backend: SqlBackend;
  let store: CallStore;
  beforeAll(async () => {
    const upgraded = await upgradeFrom(4, OLD_ROWS);
    backend = upgraded.backend;
    expect(upgraded.applied).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    ]);
    store = createCallStore(backend);
  });
  afterAll(() => backend.close());

  it('keeps a call stored before it readable by its tenant, with its alerts, acks and reviews', async () => {
    const call = await store.getCall(acme, 'old-1');
    expect(call.alerts.map((a) => [a.alertId, a.acknowledgement?.by])).toEqual([
      ['old-1:customer:0:anger', 'sup-1'],
    ]);
    expect(call.reviews.map((r) => r.notes)).toEqual(['fine']);
    const timeline = await store.getTimeline(acme, 'old-1', null);
    expect(timeline.speakers.customer.windows.pitchHz).toEqual([180]);
    expect(timeline.speakers.customer.emotions.state).toEqual(['angry']);
    expect(await store.finalizeCall('acme', 'old-1')).toBe(true);
    expect((await store.getCall(acme, 'old-1')).summary).not.toBeNull();
  });

  it('shows the old call to no other tenant, and lets another tenant reuse its id', async () => {
    await expect(store.getCall(other, 'old-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const written = await store.write([
      {
        kind: 'call-start',
        callId: 'old-1',
        tenant: 'other',
        agentId: 'agent-9',
        startedAt: '2026-11-21T09:00:00Z',
        consent: { analytics: true, storeFeatures: true },
      },
    ]);
    expect(written).toMatchObject({ inserted: 1, rejected: [] });
    expect((await store.getCall(other, 'old-1')).agentId).toBe('agent-9');
    expect((await store.getCall(acme, 'old-1')).agentId).toBe('agent-1');
  });
});
