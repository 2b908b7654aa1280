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
  it('ships the nine default rules', () => {
    expect(defaultRules().rules.map((r) => r.id)).toEqual([
      'customer-frustration',
      'customer-mood-dropping',
      'agent-stress-rising',
      'agent-too-fast',
      'long-silence',
      'long-hold',
      'customer-line-fault',
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
    // The line of the second rule's id: where the admin looks.
    expect(errorOf(`version: 1\nrules:\n${rule}${rule}`).message).toBe(
      'rule "a" field id: duplicate id (line 4)',
    );
    expect(errorOf(ruleFile('    subject: agent\n    when: { metric: tensionIndex }\n')).field).toBe('when');
    expect(errorOf('rules: [').code).toBe('RULES_SYNTAX');
    expect(errorOf('version: 1\nrules: []\n').field).toBe('rules');
  });

  it('applies file defaults and drops disabled rules', () => {
    const set = parseRuleSetText(
      'version: 2\ndefaults: { cooldownMs: 15000, escalateAfterMs: 7000, maxGapMs: 3000 }\nrules:\n' +
        '  - { id: a, name: A, subject: agent, when: { state: [angry] }, audience: agent, severity: info, message: m }\n' +
        '  - { id: b, name: B, subject: agent, when: { state: [sad] }, audience: agent, severity: info, message: m, enabled: false }\n',
    );
    expect(set.rules.map((r) => [r.id, r.cooldownMs, r.escalateAfterMs, r.maxGapMs])).toEqual([
      ['a', 15000, 7000, 3000],
    ]);
  });

  // What an admin gets wrong (admin probe): each a clear error with the field and the line.
  it('names the line of a field error and of a YAML syntax error', () => {
    const e = errorOf(ruleFile('    subject: someone\n    when: { state: [angry] }\n'));
    expect(e.message).toMatch(/field subject: .*\(line 8\)$/);
    const tab = errorOf(ruleFile('    subject: agent\n\twhen: { state: [angry] }\n'));
    expect(tab.code).toBe('RULES_SYNTAX');
    expect(tab.message).toMatch(/line 9/);
    expect(errorOf('').message).toBe('rule file is empty');
    expect(errorOf('  \n# only a comment\n').message).toBe('rule file is empty');
  });

  it('refuses thresholds a metric can never reach and empty intervals', () => {
    const outOfRange = errorOf(
      ruleFile(
        '    subject: customer\n    when: { all: [{ state: [angry] }, { metric: arousal, gte: 7 }] }\n',
      ),
    );
    expect(outOfRange.field).toBe('when.all[1].gte');
    expect(outOfRange.message).toMatch(
      /gte 7 is out of range \(arousal is 0\.\.1\), so it can never hold \(line 9\)/,
    );
    expect(
      errorOf(ruleFile('    subject: agent\n    when: { metric: loudnessDbfs, gt: 0, lt: -100 }\n')).message,
    ).toMatch(/no loudnessDbfs is both gt 0 and lt -100/);
    expect(
      errorOf(ruleFile('    subject: customer\n    when: { not: { metric: prob.angry, lt: 0 } }\n')).field,
    ).toBe('when.not.lt');
    expect(
      errorOf(ruleFile('    subject: customer\n    when: { metric: valence, dropBy: 1.5, withinMs: 5000 }\n'))
        .field,
    ).toBe('when.dropBy');
    expect(
      errorOf(ruleFile('    subject: agent\n    when: { metric: speechFraction, gte: 1, lt: 1 }\n')).field,
    ).toBe('when');
    // The edges themselves are reachable; unbounded metrics take any threshold.
    for (const when of [
      '{ metric: arousal, gte: 1 }',
      '{ metric: arousal, lte: 0 }',
      '{ metric: pitchMedianHz, gte: 5000 }',
    ])
      expect(
        parseRuleSetText(
          ruleFile(
            `    subject: customer\n    when: ${when}\n`.replace(
              'customer',
              when.includes('pitch') ? 'agent' : 'customer',
            ),
          ),
        ).rules,
      ).toHaveLength(1);
  });

  it('refuses escalation on a rule supervisors already see, a cooldown under 10 s and more than 200 rules', () => {
    const escalate = errorOf(
      ruleFile('    subject: customer\n    when: { state: [angry] }\n    escalateAfterMs: 5000\n'),
    );
    expect(escalate.field).toBe('escalateAfterMs');
    expect(escalate.message).toMatch(/only for audience agent/);
    // null (never escalate) says nothing a supervisor rule does not already do: accepted.
    expect(
      parseRuleSetText(
        ruleFile('    subject: customer\n    when: { state: [angry] }\n    escalateAfterMs: null\n'),
      ).rules,
    ).toHaveLength(1);
    expect(
      errorOf(ruleFile('    subject: customer\n    when: { state: [angry] }\n    cooldownMs: 0\n')).field,
    ).toBe('cooldownMs');
    const rule = (i: number) =>
      `  - { id: r${i}, name: R, subject: agent, when: { state: [angry] }, audience: agent, severity: info, message: m }\n`;
    const many = `version: 1\nrules:\n${Array.from({ length: 201 }, (_, i) => rule(i)).join('')}`;
    expect(errorOf(many).message).toMatch(/at most 200 rules/);
    expect(errorOf(`# ${'x'.repeat(1_048_577)}\n`).message).toMatch(/larger than 1048576 characters/);
  });

  it('limits a rule to tenants and queues (queue names in Unicode NFC, as stored)', () => {
    const set = parseRuleSetText(
      ruleFile(
        '    subject: customer\n    when: { state: [angry] }\n    tenants: [acme]\n    queues: ["Rene\u0301-billing"]\n',
      ),
    );
    expect(set.rules[0]!.scope).toEqual({ tenants: ['acme'], queues: ['Ren\u00e9-billing'] });
    const marked = parseRuleSetText(
      ruleFile('    subject: customer\n    when: { state: [angry] }\n    queues: ["billing\u200b"]\n'),
    );
    expect(marked.rules[0]!.scope?.queues).toEqual(['billing']);
    expect(
      parseRuleSetText(ruleFile('    subject: customer\n    when: { state: [angry] }\n')).rules[0]!.scope,
    ).toBeNull();
    expect(
      errorOf(ruleFile('    subject: customer\n    when: { state: [angry] }\n    tenants: ["a b"]\n')).field,
    ).toBe('tenants[0]');
    expect(
      errorOf(ruleFile('    subject: customer\n    when: { state: [angry] }\n    queues: []\n')).field,
    ).toBe('queues');
  });
});
