// Per-tenant live-call quotas: without them one tenant could take every one
// of the gateway's MAX_LIVE_CALLS and starve the others. A default for every tenant, overridden
// per tenant by TENANT_LIVE_CALL_QUOTAS ("tenant=calls,…"). Pure.
import { commaList, ConfigError } from '../shared/config.ts';

export interface TenantQuotas {
  /** Live calls this tenant may hold at once on this gateway. */
  of(tenant: string): number;
  /** The setting that gave this tenant its quota, for the refusal's message. */
  sourceOf(tenant: string): string;
}

export function parseTenantQuotas(
  text: string | undefined,
  defaultQuota: number,
  knownTenants: readonly string[],
): TenantQuotas {
  const byTenant = new Map<string, number>();
  const problems: string[] = [];
  for (const item of commaList(text ?? '')) {
    const match = /^([\w.-]{1,64})=(\d{1,6})$/.exec(item);
    if (!match) {
      problems.push(`TENANT_LIVE_CALL_QUOTAS: "${item}" is not tenant=calls`);
      continue;
    }
    const [, tenant, calls] = match;
    if (!knownTenants.includes(tenant)) problems.push(`TENANT_LIVE_CALL_QUOTAS: "${tenant}" has no token`);
    if (Number(calls) < 1) problems.push(`TENANT_LIVE_CALL_QUOTAS: quota of "${tenant}" must be at least 1`);
    byTenant.set(tenant, Number(calls));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    of: (tenant) => byTenant.get(tenant) ?? defaultQuota,
    sourceOf: (tenant) => (byTenant.has(tenant) ? 'TENANT_LIVE_CALL_QUOTAS' : 'MAX_LIVE_CALLS_PER_TENANT'),
  };
}

/** Every tenant may use the whole gateway (the registry's tests and tools). */
export const NO_TENANT_QUOTAS: TenantQuotas = {
  of: () => Number.POSITIVE_INFINITY,
  sourceOf: () => 'none',
};
