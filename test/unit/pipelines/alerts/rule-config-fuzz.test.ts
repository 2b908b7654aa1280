// Fuzzes the alert-rule loader: random text and mutated copies of the shipped rule file through
// parseRuleSetText, and the parsed file with one value replaced anywhere through parseRuleSet. Each loads or throws a typed AlertRuleError.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  AlertRuleError,
  parseRuleSet,
  type RuleErrorCode,
} from '../../../../pipelines/alerts/rule-config.ts';
import { parseRuleSetText } from '../../../../pipelines/alerts/rule-file-text.ts';
import { oneValueReplaced, quietYamlWarnings, splicedText } from '../../../support/fuzz/mutate-parsed.ts';
import { FUZZ, settle } from '../../../support/fuzz/typed-error.ts';

const CODES: RuleErrorCode[] = ['RULES_SYNTAX', 'RULES_INVALID', 'RULE_INVALID'];
const TEXT = readFileSync(new URL('../../../../config/alert-rules.yaml', import.meta.url), 'utf8');
const PARSED = parseYaml(TEXT) as unknown;

/** Names that live on Object.prototype and strings that look like placeholders or YAML tricks. */
const NASTY = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  '{constructor}',
  '{__proto__}',
  '{toString}',
  '*alias',
  '&anchor',
  '!!js/function',
  '',
  null,
  [],
  {},
  Number.NaN,
  -1,
  1e308,
];

/** A rule whose `when` is `depth` levels of `wrap` around a state leaf. */
function nestedRule(depth: number, wrap: 'not' | 'all' | 'any'): unknown {
  let when: unknown = { state: ['angry'] };
  for (let i = 0; i < depth; i++) when = wrap === 'not' ? { not: when } : { [wrap]: [when] };
  return {
    version: 1,
    rules: [
      { id: 'a', name: 'a', subject: 'customer', when, audience: 'agent', severity: 'info', message: 'x' },
    ],
  };
}

describe('fuzz: alert-rule loader', () => {
  quietYamlWarnings();

  it('the shipped rule file loads (the mutations start from a valid file)', () => {
    expect(parseRuleSetText(TEXT).rules.length).toBeGreaterThan(0);
  });

  it('parseRuleSet: one value replaced anywhere loads or throws a typed AlertRuleError', () => {
    fc.assert(
      fc.property(oneValueReplaced(PARSED, ['metric', 'not', '__proto__', 'constructor'], NASTY), (input) => {
        const out = settle(() => parseRuleSet(input), AlertRuleError, CODES);
        if (out.ok) for (const rule of out.value.rules) expect(typeof rule.message).toBe('string');
      }),
      FUZZ,
    );
  });

  it('parseRuleSetText: random and spliced text loads or throws a typed AlertRuleError', () => {
    fc.assert(
      fc.property(splicedText(TEXT, ['{constructor}', 'toString']), (text) => {
        settle(() => parseRuleSetText(text), AlertRuleError, CODES);
      }),
      FUZZ,
    );
    // Each run parses the whole default rule file (nine rules now): 15–20 s alone, and past the
    // unit suite's 30 s on a loaded 2-core machine.
  }, 90_000);

  it('parseRuleSet: conditions nested to any depth load or throw a typed AlertRuleError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom('not', 'all', 'any') as fc.Arbitrary<'not' | 'all' | 'any'>,
        (depth, wrap) => {
          settle(() => parseRuleSet(nestedRule(depth, wrap)), AlertRuleError, CODES);
        },
      ),
      FUZZ,
    );
  });

  it('a YAML alias that makes a rule refer to itself is a typed error, not a stack overflow', () => {
    const text = `version: 1
rules:
  - { id: a, name: a, subject: customer, audience: agent, severity: info, message: x, when: &w { not: *w } }
`;
    expect(settle(() => parseRuleSetText(text), AlertRuleError, CODES)).toEqual({
      ok: false,
      code: 'RULES_INVALID',
    });
  });
});
