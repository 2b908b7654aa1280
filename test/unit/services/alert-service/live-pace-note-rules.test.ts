// The agent page's pace note follows the agent-too-fast rule in force for the call's tenant and
// queue (pipelines/alerts/pace-line.ts), not the shipped constant: a tenant's limit of 8 makes a
// held 7.5 no warning, a tenant that switched the rule off (or a queue it does not judge) gets
// the pace number and no judgement, and a rules reload reaches a live call from its next window.
import { describe, expect, it } from 'vitest';
import {
  mergeTenantRules,
  parseTenantRuleSetText,
  type RuleSet,
} from '../../../../pipelines/alerts/index.ts';
import { paceLines } from '../../../../pipelines/alerts/pace-line.ts';
import { createCallRegistry, type CallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';
import { defaultRules } from '../../pipelines/alerts/helpers.ts';
import { paceRuleYaml } from '../../../support/pace-rule.ts';

const admin = (tenant: string) => ({ userId: 'a', role: 'admin' as const, tenant, agentId: null, teams: [] });

const tenantRules = (tenant: string, rules: string): RuleSet =>
  mergeTenantRules(defaultRules(), [parseTenantRuleSetText(`version: t1\nrules:\n${rules}`, tenant)]);

const RAISED_TO_8 = paceRuleYaml();
const SWITCHED_OFF = '  - { id: agent-too-fast, enabled: false }\n';

/** A registry judging with whatever `rules.now` is when each window arrives. */
function registryWith(rules: { now: RuleSet }) {
  let lineOf = paceLines(rules.now);
  let seen = rules.now;
  const r = createCallRegistry({
    paceLine: (tenant, queue) => {
      if (seen !== rules.now) [lineOf, seen] = [paceLines(rules.now), rules.now];
      return lineOf(tenant, queue);
    },
  });
  let index = 0;
  return {
    r,
    start: (tenant: string, queue = 'billing') =>
      r.start({ callId: 'c1', tenant, agentId: 'agent-1', team: '', queue, startedAtMs: 0 }),
    /** `n` agent windows at `pace`, one per second, all speech. */
    windows(tenant: string, n: number, pace: number) {
      for (const end = index + n; index < end; index += 1)
        r.features(
          tenant,
          'c1',
          {
            channel: 'agent',
            windowIndex: index,
            articulationRate: pace,
            tensionIndex: 0.4,
            speechFraction: 0.9,
            endMs: index * 1000 + 2000,
          },
          index,
        );
    },
  };
}

const agentOf = (r: CallRegistry, tenant: string) => visibleCalls(r, admin(tenant))[0].agent;

describe('the pace note under the rules in force', () => {
  it('warns at the shipped limit of 7 for a tenant without its own rule', () => {
    const h = registryWith({ now: tenantRules('es', RAISED_TO_8) });
    h.start('acme');
    h.windows('acme', 7, 7.5);
    expect(agentOf(h.r, 'acme')).toMatchObject({ pace: 7.5, paceTooFast: true, paceLimit: 7 });
  });

  it("judges a tenant's raised limit: a held 7.5 is no warning at 8, a held 9 is", () => {
    const h = registryWith({ now: tenantRules('es', RAISED_TO_8) });
    h.start('es');
    h.windows('es', 7, 7.5);
    expect(agentOf(h.r, 'es')).toMatchObject({ pace: 7.5, paceTooFast: false, paceLimit: 8 });
    h.windows('es', 7, 9);
    expect(agentOf(h.r, 'es')).toMatchObject({ pace: 9, paceTooFast: true, paceLimit: 8 });
  });

  it('shows the number and no judgement where the tenant switched the rule off', () => {
    const h = registryWith({ now: tenantRules('quiet', SWITCHED_OFF) });
    h.start('quiet');
    h.windows('quiet', 10, 11);
    expect(agentOf(h.r, 'quiet')).toMatchObject({ pace: 11, paceTooFast: false, paceLimit: null });
  });

  it('shows no judgement on a queue the rule does not judge', () => {
    const rule = paceRuleYaml('{ metric: articulationRate, gt: 7 }', '\n    queues: [sales]');
    const h = registryWith({ now: tenantRules('acme', rule) });
    h.start('acme', 'billing');
    h.windows('acme', 10, 11);
    expect(agentOf(h.r, 'acme')).toMatchObject({ pace: 11, paceTooFast: false, paceLimit: null });
  });

  it('follows a reload from the next window of a live call', () => {
    const rules = { now: defaultRules() };
    const h = registryWith(rules);
    h.start('es');
    h.windows('es', 7, 7.5);
    expect(agentOf(h.r, 'es').paceTooFast).toBe(true);
    rules.now = tenantRules('es', RAISED_TO_8);
    h.windows('es', 1, 7.5);
    expect(agentOf(h.r, 'es')).toMatchObject({ paceTooFast: false, paceLimit: 8 });
    rules.now = tenantRules('es', SWITCHED_OFF);
    h.windows('es', 7, 9);
    expect(agentOf(h.r, 'es')).toMatchObject({ pace: 9, paceTooFast: false, paceLimit: null });
    rules.now = defaultRules();
    h.windows('es', 7, 9);
    expect(agentOf(h.r, 'es')).toMatchObject({ paceTooFast: true, paceLimit: 7 });
  });
});
