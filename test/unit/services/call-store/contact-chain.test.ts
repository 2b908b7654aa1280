// A contact of several calls (transfers given new call ids): which calls are the same contact as
// a starting call, and which calls end a contact (services/call-store/store/contact-chain.ts).
import { describe, expect, it } from 'vitest';
import { contactEnds, sameContact } from '../../../../services/call-store/store/contact-chain.ts';

const calls = [
  { call_id: 'a' },
  { call_id: 'b', previous_call_id: 'a' },
  { call_id: 'c', previous_call_id: 'b' },
  { call_id: 'x' },
  { call_id: 'later', previous_call_id: 'new' },
];

describe('contact chain', () => {
  it('follows the call a starting call continues back, and calls continuing it forward', () => {
    expect([...sameContact(calls, 'new', 'c')].sort()).toEqual(['a', 'b', 'c', 'later', 'new']);
    expect([...sameContact(calls, 'new', undefined)].sort()).toEqual(['later', 'new']);
    expect([...sameContact(calls, undefined, 'a')]).toEqual(['a', 'b', 'c']);
  });

  it('ends on a loop or an overlong chain (bad data is not a contact)', () => {
    const loop = [
      { call_id: 'p', previous_call_id: 'q' },
      { call_id: 'q', previous_call_id: 'p' },
    ];
    expect([...sameContact(loop, 'r', 'p')].sort()).toEqual(['p', 'q', 'r']);
    const long = Array.from({ length: 100 }, (_, i) => ({ call_id: `k${i}`, previous_call_id: `k${i + 1}` }));
    expect(sameContact(long, undefined, 'k0').size).toBeLessThanOrEqual(20);
  });

  it('counts a contact by its last call: a call another continues is not one', () => {
    expect(contactEnds(calls).map((c) => c.call_id)).toEqual(['c', 'x', 'later']);
  });

  it('counts a loop of two calls naming each other once, by the later one', () => {
    const loop = [
      { call_id: 'p', previous_call_id: 'q', started_at: '2026-12-01T10:00:00Z' },
      { call_id: 'q', previous_call_id: 'p', started_at: '2026-12-01T10:05:00Z' },
    ];
    expect(contactEnds(loop).map((c) => c.call_id)).toEqual(['q']);
  });
});
