// A consent withdrawn mid-call as the store consumes it (a va.calls.v1 consent-changed record
// through map-records.ts), on PGlite and a real PostgreSQL: store_features and history withdrawn
// while the call is live keep it as a call started without them — after the summary no window,
// emotion or dynamics row, out of the customer's history — however often the change is replayed,
// and a feature record arriving after the withdrawal is not kept either.
import { expect, it } from 'vitest';
import { syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { parseStoreEvent } from '../../../services/call-store/events.ts';
import { decodeStoreRecord } from '../../../services/call-store/ingest/map-records.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { callEventCodec } from '../../../services/shared/index.ts';
import { describeEachBackend } from './backends.ts';

const tenantScope = { tenant: 'acme', agentId: null, teams: null };

/** The gateway's consent-changed record of the call, decoded as the store's consumer does. */
function consentChanged(callId: string, startedAt: string, customerRef: string, consent: object) {
  const record = callEventCodec.encode({
    eventId: `acme/${callId}:call:consent:001`,
    callId,
    tenant: 'acme',
    type: 'consent-changed',
    agentId: 'agent-1',
    customerRef,
    startTimeMs: Date.parse(startedAt),
    producedAtMs: Date.parse(startedAt) + 15_000,
    consent,
    consentAudioMs: 15_000,
  } as never);
  return parseStoreEvent(decodeStoreRecord('calls', record, undefined));
}

describeEachBackend('call store, consent withdrawn mid-call on %s', (storeOf) => {
  const detailRows = async (callId: string) =>
    (
      await storeOf().backend.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM speaker_windows WHERE call_id = $1)::int AS n
           UNION ALL SELECT (SELECT count(*) FROM emotion_events WHERE call_id = $1)::int
           UNION ALL SELECT (SELECT count(*) FROM dynamics_windows WHERE call_id = $1)::int
           UNION ALL SELECT (SELECT count(*) FROM call_timelines WHERE call_id = $1)::int`,
        [callId],
      )
    ).map((r) => r.n);

  it('keeps only what a call started without store_features keeps, replayed or late', async () => {
    const customerRef = pseudonymiseCustomerRef('k'.repeat(32), 'acme', '+44 7700 900321');
    const call = syntheticStoreCall({ callId: 'withdrawn-1', durationS: 30, customerRef });
    const half = Math.floor(call.body.length / 2);
    await storeOf().write([call.start, ...call.body.slice(0, half)]);
    expect((await detailRows('withdrawn-1'))[0]).toBeGreaterThan(0);
    const startedAt = (call.start as { startedAt: string }).startedAt;
    const change = consentChanged('withdrawn-1', startedAt, customerRef, {
      analytics: true,
      storeFeatures: false,
      historyOptOut: true,
    });
    expect(change.kind).toBe('call-start');
    // The change, replayed (a rebalance) and beside the rest of the call's records.
    await storeOf().write([change]);
    await storeOf().write([change, ...call.body.slice(half), call.end]);
    await storeOf().write([change]);
    await storeOf().finalizePending(0);
    const stored = await storeOf().getCall(tenantScope, 'withdrawn-1');
    expect([stored.storeFeatures, stored.customerRef, stored.summary !== null]).toEqual([false, null, true]);
    expect(await detailRows('withdrawn-1')).toEqual([0, 0, 0, 0]);
    // A late feature record after the withdrawal: gone again with the next summary run.
    await storeOf().write(call.body.slice(0, 10));
    await storeOf().finalizePending(0);
    expect(await detailRows('withdrawn-1')).toEqual([0, 0, 0, 0]);
    // The start replayed (consent wider) gives nothing back.
    await storeOf().write([call.start]);
    expect((await storeOf().getCall(tenantScope, 'withdrawn-1')).storeFeatures).toBe(false);
  });
});
