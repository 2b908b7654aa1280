// The agent page's pace note judges the agent-too-fast rule in force for the call's tenant and
// queue (pipelines/alerts/pace-line.ts), resolved as the engine resolves it: the default rule's
// line, a tenant's replacement (a Spanish-speaking team at 8), none when a tenant switches it off
// or it is limited to other queues, none when the rule is not one plain limit.
import { describe, expect, it } from 'vitest';
import {
  mergeTenantRules,
  parseRuleSetText,
  parseTenantRuleSetText,
} from '../../../../pipelines/alerts/index.ts';
import { DEFAULT_PACE_LINE, paceLines } from '../../../../pipelines/alerts/pace-line.ts';
import { defaultRules } from './helpers.ts';
import { paceRuleYaml } from '../../../support/pace-rule.ts';

/** The rule with a speech line of its own (0.6): the note must take it from the rule. */
const paceRule = (when: string, extra = '') => paceRuleYaml(when, extra, 0.6);

const tenantFile = (tenant: string, rules: string) =>
  parseTenantRuleSetText(`version: t1\nrules:\n${rules}`, tenant);

describe('the pace note line', () => {
  it('is the default rule line for every call of the shipped rules', () => {
    const lineOf = paceLines(defaultRules());
    expect(lineOf('acme', 'billing')).toEqual(DEFAULT_PACE_LINE);
    expect(lineOf('globex', '')).toEqual(DEFAULT_PACE_LINE);
  });

  it("is a tenant's own rule for its calls only", () => {
    const rules = mergeTenantRules(defaultRules(), [
      tenantFile('es', paceRule('{ metric: articulationRate, gt: 8 }', '\n    maxGapMs: 4000')),
    ]);
    const lineOf = paceLines(rules);
    expect(lineOf('es', 'billing')).toEqual({ limit: 8, minSpeechFraction: 0.6, maxGapMs: 4000 });
    expect(lineOf('acme', 'billing')).toEqual(DEFAULT_PACE_LINE);
  });

  it('is none for a tenant that switched the rule off', () => {
    const rules = mergeTenantRules(defaultRules(), [
      tenantFile('quiet', '  - { id: agent-too-fast, enabled: false }\n'),
    ]);
    const lineOf = paceLines(rules);
    expect(lineOf('quiet', 'billing')).toBeNull();
    expect(lineOf('acme', 'billing')).toEqual(DEFAULT_PACE_LINE);
  });

  it('is none on a queue the rule is not limited to, and before the call start names the queue', () => {
    const global = parseRuleSetText(
      `version: 1\nrules:\n${paceRule('{ metric: articulationRate, gt: 7.5 }', '\n    queues: [sales]')}`,
    );
    const lineOf = paceLines(global);
    expect(lineOf('acme', 'sales')?.limit).toBe(7.5);
    expect(lineOf('acme', 'billing')).toBeNull();
    expect(lineOf('acme', '')).toBeNull();
  });

  it('is none when the rule of that id is not one plain articulationRate gt limit', () => {
    for (const when of [
      '{ all: [{ metric: articulationRate, gt: 8 }, { metric: tensionIndex, gt: 0.5 }] }',
      '{ metric: articulationRate, gte: 8 }',
      '{ metric: tensionIndex, gt: 0.5 }',
    ]) {
      const rules = mergeTenantRules(defaultRules(), [tenantFile('odd', paceRule(when))]);
      expect(paceLines(rules)('odd', 'billing'), when).toBeNull();
    }
  });

  it('follows a reload: a new line from the new rule set', () => {
    const before = paceLines(defaultRules());
    const after = paceLines(
      mergeTenantRules(defaultRules(), [tenantFile('es', paceRule('{ metric: articulationRate, gt: 8 }'))]),
    );
    expect(before('es', 'billing')?.limit).toBe(7);
    expect(after('es', 'billing')?.limit).toBe(8);
  });
});
