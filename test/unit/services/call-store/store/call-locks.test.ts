// The erasure/ingest locks stay few whatever a batch holds: every advisory lock takes a slot of
// PostgreSQL's shared lock table, so calls share CALL_LOCK_BUCKETS keys, stable per call.
import { describe, expect, it } from 'vitest';
import { CALL_LOCK_BUCKETS, callLockKey } from '../../../../../services/call-store/store/call-locks.ts';

describe('call lock keys', () => {
  it('maps any number of calls onto at most CALL_LOCK_BUCKETS keys, the same key for the same call', () => {
    const keys = new Set(Array.from({ length: 10_000 }, (_, i) => callLockKey('acme', `call-${i}`)));
    expect(keys.size).toBe(CALL_LOCK_BUCKETS);
    expect(callLockKey('acme', 'call-1')).toBe(callLockKey('acme', 'call-1'));
    // A tenant is part of the key: one id in two tenants is two calls.
    const spread = new Set(Array.from({ length: 64 }, (_, i) => callLockKey(`tenant-${i}`, 'call-1')));
    expect(spread.size).toBeGreaterThan(1);
  });
});
