// The per-tenant live-call quota settings and their bookkeeping in the
// live-call registry (a released call frees its tenant's place; quotas never mix tenants).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../services/shared/config.ts';
import { createLiveCalls, type LiveCall } from '../../../../services/ingest-gateway/live-calls.ts';
import { parseTenantQuotas } from '../../../../services/ingest-gateway/tenant-quotas.ts';

const call = (tenant: string, callId: string): LiveCall => ({
  tenant,
  callId,
  lastActivityMs: 0,
  terminate: () => undefined,
});

describe('tenant live-call quotas', () => {
  it('gives every tenant the default and lets TENANT_LIVE_CALL_QUOTAS override it', () => {
    const quotas = parseTenantQuotas('big=50, small=1', 10, ['big', 'small', 'other']);
    expect(['big', 'small', 'other'].map((t) => [quotas.of(t), quotas.sourceOf(t)])).toEqual([
      [50, 'TENANT_LIVE_CALL_QUOTAS'],
      [1, 'TENANT_LIVE_CALL_QUOTAS'],
      [10, 'MAX_LIVE_CALLS_PER_TENANT'],
    ]);
  });

  it.each([['ghost=5'], ['big=many'], ['big=0'], ['=3']])('refuses the setting %s', (text) => {
    expect(() => parseTenantQuotas(text, 10, ['big'])).toThrow(ConfigError);
  });

  it('counts per tenant and frees a place when a call is released', () => {
    const calls = createLiveCalls(100, parseTenantQuotas('', 2, ['a', 'b']));
    calls.claim(call('a', '1'));
    calls.claim(call('a', '2'));
    expect(() => calls.claim(call('a', '3'))).toThrow(
      expect.objectContaining({ code: 'TENANT_QUOTA_EXCEEDED' }),
    );
    calls.claim(call('b', '1'));
    calls.release('a', 'unknown');
    expect(() => calls.claim(call('a', '3'))).toThrow(
      expect.objectContaining({ status: 'RESOURCE_EXHAUSTED' }),
    );
    calls.release('a', '1');
    expect(() => calls.claim(call('a', '3'))).not.toThrow();
  });
});
