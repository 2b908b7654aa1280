// gRPC streams waiting for their CallStart: capped per tenant and in all, and every place given
// back (a leak would refuse a tenant's streams for good).
import { describe, expect, it } from 'vitest';
import { createWaitingStreams } from '../../../../services/ingest-gateway/waiting-streams.ts';

describe('waiting streams', () => {
  it('caps each tenant and the total, and frees each place once', () => {
    const waiting = createWaitingStreams({ total: 3, perTenant: 2 });
    expect([waiting.enter('a'), waiting.enter('a'), waiting.enter('a')]).toEqual([true, true, false]);
    expect(waiting.enter('b')).toBe(true);
    expect(waiting.enter('c')).toBe(false); // the total is full, though c has none
    waiting.leave('a');
    expect(waiting.enter('c')).toBe(true);
    for (const tenant of ['a', 'b', 'c']) waiting.leave(tenant);
    waiting.leave('a'); // one leave too many: never below zero
    expect([waiting.enter('a'), waiting.enter('a'), waiting.enter('b')]).toEqual([true, true, true]);
    expect(waiting.enter('b')).toBe(false);
  });
});
