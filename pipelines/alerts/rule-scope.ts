// Which calls a rule judges, by its scope (tenants, queues, the tenants whose own file replaced or
// switched it off): the engine and the agent page's pace note (pace-line.ts) read a rule's reach
// the same way, so the page never warns on a call the rule does not judge. Pure, no I/O.
import type { AlertRule, CallScope } from './types.ts';

/** Whether a rule may judge a tenant's calls (its queues aside). */
export function tenantInScope(rule: AlertRule, tenant: string): boolean {
  if (!rule.scope) return true;
  const { tenants, exceptTenants } = rule.scope;
  return !exceptTenants?.includes(tenant) && (!tenants || tenants.includes(tenant));
}

/** Whether a rule judges a call: an unscoped rule every call, a scoped one only calls it names. */
export function inScope(rule: AlertRule, call: CallScope | undefined): boolean {
  if (!rule.scope) return true;
  const { tenants, queues } = rule.scope;
  // A rule a tenant's file replaced still judges calls of unknown tenant (none in the service).
  if (!call) return !tenants && !queues;
  return tenantInScope(rule, call.tenant) && (!queues || queues.includes(call.queue));
}
