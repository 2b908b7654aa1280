// A rule is a recovery when it says so (endsEarlierAlerts); a customer rule that does not say is
// read by its id as before, and the reading is warned of; the engine's alerts carry the answer.
import { describe, expect, it } from 'vitest';
import {
  AlertRuleError,
  parseRuleSetText,
  recoveryByNameWarnings,
} from '../../../../pipelines/alerts/index.ts';
import { defaultRules, emotion, engineWith, range, run } from './helpers.ts';
import { thrownError } from '../../../support/thrown.ts';

const ruleFile = (id: string, subject: string, extra = '') =>
  `version: 1\nrules:\n  - id: ${id}\n    name: R\n    subject: ${subject}\n    when: { state: [neutral] }\n    audience: both\n    severity: info\n    message: m\n${extra}`;

describe('recovery rules', () => {
  it('marks the shipped recovery, and it alone, as ending earlier alerts', () => {
    const rules = defaultRules().rules;
    expect(rules.filter((r) => r.endsEarlierAlerts).map((r) => r.id)).toEqual(['customer-recovered']);
    expect(recoveryByNameWarnings(rules)).toEqual([]);
  });

  it('warns of a customer rule read as a recovery by its id only, not of one that says', () => {
    const byName = parseRuleSetText(ruleFile('calm-recovered', 'customer')).rules;
    expect(byName[0]!.endsEarlierAlerts).toBeNull();
    expect(recoveryByNameWarnings(byName)).toEqual([
      expect.stringMatching(/rule "calm-recovered" is read as a recovery .* add endsEarlierAlerts/),
    ]);
    const said = parseRuleSetText(ruleFile('calm-recovered', 'customer', '    endsEarlierAlerts: false\n'));
    expect(recoveryByNameWarnings(said.rules)).toEqual([]);
    // An agent rule was never a recovery by its id: nothing to warn of.
    const agent = parseRuleSetText(ruleFile('agent-recovered', 'agent'));
    expect(recoveryByNameWarnings(agent.rules)).toEqual([]);
  });

  it('refuses endsEarlierAlerts on a rule of another subject than the customer', () => {
    const e = thrownError(
      () => parseRuleSetText(ruleFile('agent-calm', 'agent', '    endsEarlierAlerts: true\n')),
      AlertRuleError,
    );
    expect(e).toMatchObject({ code: 'RULE_INVALID', ruleId: 'agent-calm', field: 'endsEarlierAlerts' });
    expect(e.message).toMatch(/only for subject customer.*\(line 10\)/);
  });

  it('carries the rule’s answer on its alerts, the id aside', () => {
    const rules = parseRuleSetText(
      `version: 1\nrules:\n  - id: calm-again\n    name: Calm\n    subject: customer\n    when: { state: [neutral] }\n    minDurationMs: 2000\n    audience: both\n    severity: info\n    message: m\n    endsEarlierAlerts: true\n  - id: still-recovered\n    name: Not one\n    subject: customer\n    when: { state: [neutral] }\n    minDurationMs: 2000\n    audience: both\n    severity: info\n    message: m\n    endsEarlierAlerts: false\n  - id: old-recovered\n    name: By name\n    subject: customer\n    when: { state: [neutral] }\n    minDurationMs: 2000\n    audience: both\n    severity: info\n    message: m\n`,
    );
    const alerts = run(
      engineWith(rules),
      range(0, 6).map((i) => emotion(i, 'customer', 'neutral')),
    );
    expect(Object.fromEntries(alerts.map((a) => [a.ruleId, a.endsEarlierAlerts]))).toEqual({
      'calm-again': true,
      'still-recovered': false,
      'old-recovered': true,
    });
  });
});
