// Fuzzes the routing-rule loader like the alert-rule loader: random and spliced text through
// parseRoutingRulesText, and the shipped file with one value replaced or a key added anywhere
// (prototype names included) through parseRoutingRules. Each loads or throws a typed RoutingRuleError.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  parseRoutingRules,
  parseRoutingRulesText,
  RoutingRuleError,
  SUGGESTIONS,
  type RoutingRuleErrorCode,
} from '../../../../pipelines/routing/index.ts';
import { oneValueReplaced, quietYamlWarnings, splicedText } from '../../../support/fuzz/mutate-parsed.ts';
import { FUZZ, settle } from '../../../support/fuzz/typed-error.ts';

const CODES: RoutingRuleErrorCode[] = [
  'ROUTING_RULES_SYNTAX',
  'ROUTING_RULES_INVALID',
  'ROUTING_RULE_INVALID',
];
const TEXT = readFileSync(new URL('../../../../config/routing-rules.yaml', import.meta.url), 'utf8');
const PARSED = parseYaml(TEXT) as unknown;

const NASTY = [
  'toString',
  'constructor',
  '__proto__',
  '{calls}',
  '{constructor}',
  '',
  null,
  [],
  {},
  Number.NaN,
  -1,
  1e308,
];

describe('fuzz: routing-rule loader', () => {
  quietYamlWarnings();

  it('parseRoutingRules: one value replaced anywhere loads or throws a typed RoutingRuleError', () => {
    fc.assert(
      fc.property(
        oneValueReplaced(PARSED, ['history', 'when', '__proto__', 'constructor'], NASTY),
        (input) => {
          const out = settle(() => parseRoutingRules(input), RoutingRuleError, CODES);
          if (out.ok)
            for (const rule of out.value.rules) {
              expect(rule.risk).toBeGreaterThanOrEqual(0);
              expect(rule.risk).toBeLessThanOrEqual(1);
              expect(SUGGESTIONS).toContain(rule.suggested);
            }
        },
      ),
      FUZZ,
    );
  });

  it('parseRoutingRulesText: random and spliced text loads or throws a typed RoutingRuleError', () => {
    fc.assert(
      fc.property(splicedText(TEXT, ['{constructor}']), (text) => {
        settle(() => parseRoutingRulesText(text), RoutingRuleError, CODES);
      }),
      FUZZ,
    );
    // 10 000 YAML parses: about 30 s alone, more on a shared machine.
  }, 120_000);

  it('a YAML alias that makes a condition refer to itself is a typed error', () => {
    const text = `version: 1
rules:
  - { id: a, on: call-start, risk: 0.5, suggested: senior, reason: x, when: &w { history: *w } }
`;
    expect(settle(() => parseRoutingRulesText(text), RoutingRuleError, CODES)).toMatchObject({ ok: false });
  });
});
