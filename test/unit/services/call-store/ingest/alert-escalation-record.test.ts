// An escalation on va.alerts.v1 (state ESCALATED, an alert of its own) keeps the alert it escalated
// (escalation_of, proto field 24) for the store: the QA page says when an alert went to supervisors.
// A first alert carries none, even when a producer filled the field.
import { describe, expect, it } from 'vitest';
import { decodeStoreRecord } from '../../../../../services/call-store/ingest/map-records.ts';
import { parseStoreEvent } from '../../../../../services/call-store/events.ts';
import { alertEventCodec } from '../../../../../services/shared/records.ts';

const record = (state: 'fired' | 'escalated', escalationOf: string) =>
  decodeStoreRecord(
    'alerts',
    alertEventCodec.encode({
      eventId: 'c1:agent:240:agent-stress-rising.escalated',
      alertId: 'c1:agent:240:agent-stress-rising.escalated',
      callId: 'c1',
      tenant: 'acme',
      ruleId: 'agent-stress-rising',
      severity: 'warning',
      audience: ['supervisor'],
      channel: 'agent',
      state,
      audioMs: 120_000,
      firedAtMs: Date.parse('2026-12-06T10:02:00Z'),
      escalationOf,
    } as never),
    alertEventCodec.headers(),
  );

describe('call-store record mapping: escalations', () => {
  it('keeps the alert an escalation escalated', () => {
    expect(parseStoreEvent(record('escalated', 'c1:agent:180:agent-stress-rising'))).toMatchObject({
      kind: 'alert',
      startMs: 120_000,
      escalationOf: 'c1:agent:180:agent-stress-rising',
    });
  });

  it('gives a first alert no escalation link', () => {
    expect(parseStoreEvent(record('fired', 'c1:agent:180:agent-stress-rising'))).not.toHaveProperty(
      'escalationOf',
    );
  });
});
