// An alert resolution on va.alerts.v1 (the alert service closing an open alert of a call withdrawn
// or erased mid-call) becomes the store's alert end, with its time and reason; a resolution with a
// reason the store does not know is refused (one record, dead-lettered), not taken for an end.
import { describe, expect, it } from 'vitest';
import { decodeStoreRecord } from '../../../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent } from '../../../../../services/call-store/events.ts';
import { alertEventCodec } from '../../../../../services/shared/records.ts';

const resolution = (resolutionReason: string) =>
  decodeStoreRecord(
    'alerts',
    alertEventCodec.encode({
      eventId: 'acme/c1:customer:6:customer-frustration:resolved',
      alertId: 'acme/c1:customer:6:customer-frustration',
      callId: 'c1',
      tenant: 'acme',
      state: 'resolved',
      firedAtMs: Date.parse('2026-12-06T10:00:00Z'),
      updatedAtMs: Date.parse('2026-12-06T10:01:00Z'),
      resolutionReason,
    } as never),
    alertEventCodec.headers(),
  );

describe('call-store record mapping: alert resolutions', () => {
  it('maps a resolution to the alert end, at the resolution time', () => {
    expect(parseStoreEvent(resolution('CONSENT_WITHDRAWN'))).toEqual({
      kind: 'alert-end',
      alertId: 'acme/c1:customer:6:customer-frustration',
      callId: 'c1',
      tenant: 'acme',
      endedAt: '2026-12-06T10:01:00.000Z',
      reason: 'CONSENT_WITHDRAWN',
    });
    expect(parseStoreEvent(resolution('ERASED'))).toMatchObject({ reason: 'ERASED' });
  });

  it('refuses a resolution with an unknown or no reason', () => {
    expect(() => parseStoreEvent(resolution(''))).toThrow(/invalid store event/);
    expect(() => parseStoreEvent(resolution('AUTO_CLOSED'))).toThrow(/invalid store event/);
  });
});
