// A call start during a key rotation carries the customer's pseudonym under the previous key
// (CallEvent previous_customer_ref): it round-trips, records from before the field stay valid, and
// anything but a second pseudonym on a start is refused on the topic and dropped by the store.
import { describe, expect, it } from 'vitest';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';
import { decodeStoreRecord } from '../../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent } from '../../../../services/call-store/events.ts';
import { DecodeError } from '../../../../services/shared/codec.ts';
import { callEventCodec, type CallEvent } from '../../../../services/shared/records.ts';
import { thrownError } from '../../../support/thrown.ts';

const CURRENT = `cref1_${'C'.repeat(43)}`;
const PREVIOUS = `cref1_${'P'.repeat(43)}`;
const roundTrip = (event: CallEvent): CallEvent =>
  callEventCodec.decode(callEventCodec.encode(event), callEventCodec.headers());

describe('CallEvent previousCustomerRef', () => {
  it('round-trips on a start and reaches the store event', () => {
    const event = callEventRecord('c-1', {
      agentId: 'a-1',
      customerRef: CURRENT,
      previousCustomerRef: PREVIOUS,
    });
    expect(roundTrip(event).previousCustomerRef).toBe(PREVIOUS);
    const stored = parseStoreEvent(decodeStoreRecord('calls', callEventCodec.encode(event), undefined));
    expect(stored).toMatchObject({ kind: 'call-start', customerRef: CURRENT, previousCustomerRef: PREVIOUS });
  });

  it('leaves records without it valid: decoded empty, no previous pseudonym in the store', () => {
    const decoded = roundTrip(callEventRecord('c-2', { agentId: 'a-1', customerRef: CURRENT }));
    expect(decoded.previousCustomerRef).toBe('');
    const stored = parseStoreEvent(decodeStoreRecord('calls', callEventCodec.encode(decoded), undefined)) as {
      previousCustomerRef?: string;
    };
    expect(stored.previousCustomerRef).toBeUndefined();
  });

  it('refuses a raw reference, one without a current pseudonym, on an end, or the current one again', () => {
    const cases: [Partial<CallEvent>, RegExp][] = [
      [{ customerRef: CURRENT, previousCustomerRef: '+15551234567' }, /not a customer pseudonym/],
      [{ customerRef: '', previousCustomerRef: PREVIOUS }, /without a customerRef pseudonym/],
      [{ customerRef: CURRENT, previousCustomerRef: PREVIOUS, type: 'ended' }, /other than a start/],
      [{ customerRef: CURRENT, previousCustomerRef: CURRENT }, /is the customerRef/],
    ];
    for (const [over, problem] of cases) {
      const bytes = callEventCodec.encode(callEventRecord('c-3', over));
      const error = thrownError(() => callEventCodec.decode(bytes), DecodeError);
      expect(error.message).toMatch(problem);
      // The message names the field, never the value (a raw reference is personal data).
      expect(error.message).not.toContain('5551234567');
    }
  });

  it('is dropped by the store when it is not a pseudonym (a sender that bypassed the gateway)', () => {
    const stored = parseStoreEvent({
      kind: 'call-start',
      callId: 'c-4',
      tenant: 'acme',
      agentId: 'a-1',
      customerRef: CURRENT,
      previousCustomerRef: '+15551234567',
      startedAt: new Date().toISOString(),
      consent: { analytics: true, storeFeatures: true },
    }) as { previousCustomerRef?: string };
    expect(stored.previousCustomerRef).toBeUndefined();
  });
});
