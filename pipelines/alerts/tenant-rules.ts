// The rules in force from the global rule file and the tenants' own files (ALERT_TENANT_RULES_DIR):
// a tenant's rule replaces the global rule of its id for that tenant only, `enabled: false` in a
// tenant's file switches the global rule off for that tenant, and the tenant's other rules are
// added for its calls. Rule ids are kept as written: alert ids, per-rule counts, routing rules
// (`alertRule`) and the scorecard's "frustration" in an id read a tenant's replacement as the
// global rule it replaces. Pure, no I/O.
import type { AlertRule, RuleSet, TenantRuleSet } from './types.ts';

/** Every id a tenant's file names, replaced or switched off: the global rule of it skips the tenant. */
function idsOf(set: TenantRuleSet): string[] {
  return [...set.rules.map((r) => r.id), ...set.disabled];
}

/**
 * One rule set for the engine: the global rules, each skipping the tenants whose file names its
 * id, then each tenant's rules (already limited to the tenant by parseTenantRuleSet). One call
 * belongs to one tenant, so at most one rule of an id judges it and the engine's per-call state of
 * that id stays meaningful across reloads.
 */
export function mergeTenantRules(global: RuleSet, tenants: Iterable<TenantRuleSet>): RuleSet {
  const sets = [...tenants].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  if (sets.length === 0) return global;
  const skipping = new Map<string, string[]>();
  for (const set of sets)
    for (const id of idsOf(set)) skipping.set(id, [...(skipping.get(id) ?? []), set.tenant]);
  const rules: AlertRule[] = global.rules.map((rule) => {
    const except = skipping.get(rule.id);
    if (!except) return rule;
    const { tenants = null, queues = null } = rule.scope ?? {};
    return { ...rule, scope: { tenants, queues, exceptTenants: except } };
  });
  for (const set of sets) rules.push(...set.rules);
  return { version: global.version, rules };
}

/**
 * The ids a tenant's file switches off that no global rule has: a typo there switches nothing off,
 * so the service logs them (the file is still accepted: it is judged alone, and the global file
 * may gain the rule later).
 */
export function unmatchedSwitchOffs(global: RuleSet, set: TenantRuleSet): string[] {
  const ids = new Set(global.rules.map((r) => r.id));
  return set.disabled.filter((id) => !ids.has(id));
}
