// The rule file is validated with errors that name the rule and the field; the shipped file is valid.
import { describe, expect, it } from 'vitest';
import { AlertRuleError, parseRuleSetText } from '../../../../pipelines/alerts/index.ts';
import { defaultRules } from './helpers.ts';
import { thrownError } from '../../../support/thrown.ts';

function ruleFile(rule: string): string {
  return `version: 1\nrules:\n  - id: my-rule\n    name: My rule\n    audience: both\n    severity: warning\n    message: hello\n${rule}`;
}

const errorOf = (text: string) => thrownError(() => parseRuleSetText(text), AlertRuleError);

describe('alert rule file', () => {
  it('ships the seven default rules', () => {
    expect(defaultRules().rules.map((r) => r.id)).toEqual([
      'customer-frustration',
      'customer-mood-dropping',
      'agent-stress-rising',
      'agent-too-fast',
      'long-silence',
      'repeated-overtalk',
      'customer-recovered',
    ]);
  });

  it('names the rule and the nested field of an unknown metric', () => {
    const e = errorOf(
      ruleFile(
        '    subject: customer\n    when: { any: [{ state: [angry] }, { all: [{ metric: arousl, gte: 1 }] }] }\n',
      ),
    );
    expect(e.code).toBe('RULE_INVALID');
    expect(e.ruleId).toBe('my-rule');
    expect(e.field).toBe('when.any[1].all[0].metric');
    expect(e.message).toContain('unknown metric "arousl"');
  });

  it('rejects a bad enum value, a mixed-stream rule, a wrong subject and an unknown placeholder', () => {
    expect(errorOf(ruleFile('    subject: someone\n    when: { state: [angry] }\n')).field).toBe('subject');
    const mixed = errorOf(
      ruleFile(
        '    subject: agent\n    when: { all: [{ state: [angry] }, { metric: tensionIndex, gte: 0.5 }] }\n',
      ),
    );
    expect(mixed.message).toMatch(/rule "my-rule" field when: uses features and emotion/);
    expect(errorOf(ruleFile('    subject: agent\n    when: { metric: overtalkCount, gte: 1 }\n')).field).toBe(
      'subject',
    );
    const text = ruleFile('    subject: agent\n    when: { state: [angry] }\n').replace(
      'message: hello',
      'message: "{nope}"',
    );
    expect(errorOf(text).field).toBe('message');
    // minSpeechFraction only where it acts: a speech-basis rule on a speaker's features.
    for (const body of [
      '    subject: customer\n    when: { state: [angry] }\n    minSpeechFraction: 0.5\n',
      '    subject: agent\n    when: { metric: tensionIndex, gte: 0.5 }\n    durationBasis: audio\n    minSpeechFraction: 0.5\n',
    ])
      expect(errorOf(ruleFile(body)).field).toBe('minSpeechFraction');
  });

  it('rejects duplicate ids, a missing threshold and YAML syntax errors', () => {
    const rule =
      '  - { id: a, name: A, subject: agent, when: { state: [angry] }, audience: agent, severity: info, message: m }\n';
    expect(errorOf(`version: 1\nrules:\n${rule}${rule}`).message).toBe('rule "a" field id: duplicate id');
    expect(errorOf(ruleFile('    subject: agent\n    when: { metric: tensionIndex }\n')).field).toBe('when');
    expect(errorOf('rules: [').code).toBe('RULES_SYNTAX');
    expect(errorOf('version: 1\nrules: []\n').field).toBe('rules');
  });

  it('applies file defaults and drops disabled rules', () => {
    const set = parseRuleSetText(
      'version: 2\ndefaults: { cooldownMs: 5000, escalateAfterMs: 7000, maxGapMs: 3000 }\nrules:\n' +
        '  - { id: a, name: A, subject: agent, when: { state: [angry] }, audience: agent, severity: info, message: m }\n' +
        '  - { id: b, name: B, subject: agent, when: { state: [sad] }, audience: agent, severity: info, message: m, enabled: false }\n',
    );
    expect(set.rules.map((r) => [r.id, r.cooldownMs, r.escalateAfterMs, r.maxGapMs])).toEqual([
      ['a', 5000, 7000, 3000],
    ]);
  });
});
