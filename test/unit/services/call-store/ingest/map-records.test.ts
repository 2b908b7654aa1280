// A call start on the calls topic becomes a store event that keeps both clocks: the client's start
// time (startedAt, shown to users) and the gateway's, when it announced the call (announcedAt,
// what a customer erasure compares with: a client clock may run up to a day ahead).
import { describe, expect, it } from 'vitest';
import { decodeStoreRecord } from '../../../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent } from '../../../../../services/call-store/events.ts';
import { callEventCodec } from '../../../../../services/shared/index.ts';

const start = (over: Record<string, unknown>) =>
  parseStoreEvent(
    decodeStoreRecord(
      'calls',
      callEventCodec.encode({
        eventId: 'acme/call-1:started',
        callId: 'call-1',
        tenant: 'acme',
        type: 'started',
        agentId: 'agent-1',
        startTimeMs: Date.parse('2026-12-06T10:10:00Z'),
        ...over,
      } as never),
      undefined,
    ),
  );

describe('call-store record mapping: call starts', () => {
  it('keeps the gateway announcement time apart from the client start time', () => {
    expect(start({ producedAtMs: Date.parse('2026-12-06T10:00:00Z') })).toMatchObject({
      startedAt: '2026-12-06T10:10:00.000Z',
      announcedAt: '2026-12-06T10:00:00.000Z',
    });
  });

  it('takes the start time when a record has no announcement time', () => {
    expect(start({})).toMatchObject({ announcedAt: '2026-12-06T10:10:00.000Z' });
  });

  it("keeps where a transfer's resumed start says its leg starts, and no place for a record from before", () => {
    expect(start({ legStartAudioMs: 61_240, legStartKnown: true })).toMatchObject({ legStartMs: 61_240 });
    expect(start({ legStartAudioMs: 0, legStartKnown: true })).toMatchObject({ legStartMs: 0 });
    expect(start({})).toMatchObject({ legStartMs: null });
  });
});

describe('call-store record mapping: a consent narrowed mid-call', () => {
  it('is the call start again with the narrower consent (the store keeps the narrowest)', () => {
    const narrowed = start({
      type: 'consent-changed',
      eventId: 'acme/call-1:call:consent:001',
      consent: { analytics: false, storeFeatures: false, historyOptOut: true },
      consentAudioMs: 12_000,
      producedAtMs: Date.parse('2026-12-06T10:11:00Z'),
    });
    expect(narrowed).toMatchObject({
      kind: 'call-start',
      callId: 'call-1',
      startedAt: '2026-12-06T10:10:00.000Z',
      consent: { analytics: false, storeFeatures: false, historyOptOut: true },
    });
  });
});
