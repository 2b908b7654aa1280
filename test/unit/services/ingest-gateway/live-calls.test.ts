// Live-call registry: idle detection skips calls the gateway itself holds back (backpressure).
import { describe, expect, it } from 'vitest';
import { createLiveCalls, type LiveCall } from '../../../../services/ingest-gateway/live-calls.ts';

const call = (callId: string, lastActivityMs: number, tenant = 'acme'): LiveCall => ({
  tenant,
  callId,
  lastActivityMs,
  terminate: () => undefined,
});

describe('live calls', () => {
  it('reports silent calls as idle, but never one the gateway holds back', () => {
    const calls = createLiveCalls(10);
    const quiet = call('quiet', 0);
    const held = call('held', 0);
    held.held = true;
    calls.claim(quiet);
    calls.claim(held);
    calls.claim(call('busy', 9_000));
    expect(calls.idle(10_000, 5_000).map((c) => c.callId)).toEqual(['quiet']);
    held.held = false;
    expect(calls.idle(10_000, 5_000).map((c) => c.callId)).toEqual(['quiet', 'held']);
  });

  it('never reports a call on hold (CallHold) as idle: its client may send nothing through the hold', () => {
    const calls = createLiveCalls(10);
    const onHold = call('on-hold', 0);
    onHold.onCallHold = true;
    calls.claim(onHold);
    expect(calls.idle(10_000, 5_000)).toEqual([]);
    onHold.onCallHold = false;
    expect(calls.idle(10_000, 5_000).map((c) => c.callId)).toEqual(['on-hold']);
  });

  it('lets two tenants stream the same call id, and refuses only a tenant reusing its own live id', () => {
    const calls = createLiveCalls(10);
    calls.claim(call('X', 0, 'tenant-a'));
    expect(() => calls.claim(call('X', 0, 'tenant-b'))).not.toThrow();
    expect(() => calls.claim(call('X', 0, 'tenant-b'))).toThrow(
      expect.objectContaining({ code: 'CALL_ALREADY_LIVE' }),
    );
    calls.release('tenant-b', 'X');
    expect(calls.all().map((c) => `${c.tenant}/${c.callId}`)).toEqual(['tenant-a/X']);
  });

  it('tells a new stream of a call being handed over to retry (UNAVAILABLE), not that it is live', () => {
    // A client that reconnects before its dropped stream's audio is flushed: ALREADY_EXISTS is final
    // and had cut the call; the retry after the delay finds the call released.
    const calls = createLiveCalls(10);
    const dropped = call('X', 0);
    calls.claim(dropped);
    dropped.handingOver = true;
    expect(() => calls.claim(call('X', 0))).toThrow(
      expect.objectContaining({ code: 'CALL_HANDING_OVER', status: 'UNAVAILABLE', retryAfterMs: 500 }),
    );
    calls.release('acme', 'X', true);
    expect(() => calls.claim(call('X', 0))).not.toThrow();
  });

  it('tells its listener each call it lets go, once, by key (the audio placement is freed with it)', () => {
    const released: string[] = [];
    const calls = createLiveCalls(10, undefined, (key) => released.push(key));
    calls.claim(call('X', 0));
    calls.release('acme', 'X');
    calls.release('acme', 'X');
    calls.release('acme', 'never-claimed');
    expect(released).toEqual(['acme/X']);
  });
});
