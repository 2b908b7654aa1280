// A consent-changed record of a transferred call must not add a leg: it is not a start of a leg,
// and its only position is the wall clock of its production (legStartOf's fallback), which runs
// ahead of the audio after any drop and resume. On both backends.
import { beforeAll, expect, it } from 'vitest';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { parseStoreEvent, type StoreEvent } from '../../../services/call-store/events.ts';
import { decodeStoreRecord } from '../../../services/call-store/ingest/map-records.ts';
import type { CallStore } from '../../../services/call-store/store.ts';
import { callEventCodec } from '../../../services/shared/index.ts';
import { describeEachBackend } from './backends.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };

describeEachBackend('consent change of a transferred call on %s', (opened) => {
  let store: CallStore;
  beforeAll(() => {
    store = opened();
  });

  it("adds no leg, and gives none of bob's leg to ann", async () => {
    const call = syntheticStoreCall({
      callId: 'consent-legs-1',
      agentId: 'ann',
      team: 'north',
      durationS: 120,
    });
    const startedAt = (call.start as { startedAt: string }).startedAt;
    const first = { ...call.start, legStartMs: 0 } as StoreEvent;
    const second = {
      ...call.start,
      agentId: 'bob',
      team: 'south',
      queue: 'retention',
      legStartMs: 60_000,
    } as StoreEvent;
    // Ann's stream narrows store_features at audio 50 s; a 30 s network drop earlier put the wall
    // clock 30 s ahead of the audio, so the record is produced 80 s after the call's start.
    const record = callEventCodec.encode({
      eventId: 'acme/consent-legs-1:call:consent:101',
      callId: 'consent-legs-1',
      tenant: 'acme',
      type: 'consent-changed',
      agentId: 'ann',
      team: 'north',
      queue: 'billing',
      startTimeMs: Date.parse(startedAt),
      producedAtMs: Date.parse(startedAt) + 80_000,
      consent: { analytics: true, storeFeatures: false },
      consentAudioMs: 50_000,
    } as never);
    const change = parseStoreEvent(decodeStoreRecord('calls', record, undefined));
    await store.write([first, ...call.body, change, second, call.end]);
    const stored = await store.getCall(staff, 'consent-legs-1');
    expect(stored.storeFeatures).toBe(false);
    expect(stored.legs.map((l) => [l.agentId, l.fromMs, l.toMs])).toEqual([
      ['ann', 0, 60_000],
      ['bob', 60_000, 120_000],
    ]);
    const rows = await store.backend.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_legs WHERE tenant = 'acme' AND call_id = 'consent-legs-1'`,
    );
    expect(rows[0].n).toBe(2);
  });
});
