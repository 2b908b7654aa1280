// Names every JavaScript object inherits (toString, constructor, __proto__,
// hasOwnProperty) are not metrics. `metric: toString` used to pass validation and never fire;
// `message: "{constructor}"` passed and then threw while rendering, dead-lettering every record
// that fired the rule. Both are now rejected when the file loads, with the rule and field named.
import { describe, expect, it } from 'vitest';
import { AlertRuleError, parseRuleSetText, renderMessage } from '../../../../pipelines/alerts/index.ts';
import type { AlertRule } from '../../../../pipelines/alerts/index.ts';
import { thrownError } from '../../../support/thrown.ts';

function ruleFile(fields: string): string {
  return `version: 1\nrules:\n  - id: my-rule\n    name: My rule\n    audience: both\n    severity: warning\n    subject: customer\n${fields}`;
}

const errorOf = (text: string) => thrownError(() => parseRuleSetText(text), AlertRuleError);

const INHERITED = ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf'];

describe('alert rules and inherited property names', () => {
  it.each(INHERITED)('rejects metric: %s', (name) => {
    const e = errorOf(ruleFile(`    message: hello\n    when: { metric: ${name}, gte: 1 }\n`));
    expect(e.code).toBe('RULE_INVALID');
    expect(e.message).toContain(`unknown metric "${name}"`);
  });

  it.each(INHERITED.filter((n) => /^[A-Za-z.]+$/.test(n)))(
    'rejects the placeholder {%s} in a message',
    (name) => {
      const e = errorOf(ruleFile(`    message: "x {${name}} y"\n    when: { state: [angry] }\n`));
      expect(e.code).toBe('RULE_INVALID');
      expect(e.message).toContain(`unknown placeholder {${name}}`);
    },
  );

  it('renders an inherited name as text instead of throwing', () => {
    const rule = { subject: 'customer' } as AlertRule;
    expect(renderMessage('a {constructor} b {toString}', rule, {} as never, 0, [])).toBe(
      'a {constructor} b {toString}',
    );
  });

  it('a __proto__ key in a rule is an unknown field, not a prototype change', () => {
    const e = errorOf(
      ruleFile(`    message: hello\n    when: { state: [angry] }\n    __proto__: { enabled: false }\n`),
    );
    expect(['RULE_INVALID', 'RULES_INVALID']).toContain(e.code);
  });
});
