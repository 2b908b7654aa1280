// A tenant's own rule file: its rules judge that tenant's calls only, replace the global rule of
// their id for it, or switch it off (`enabled: false`); every other tenant keeps the global rule.
// The file is judged with the checks of the global file, and a `tenants:` naming another tenant
// is refused (the file's editor may edit that tenant's rules only).
import { describe, expect, it } from 'vitest';
import {
  createAlertEngine,
  mergeTenantRules,
  parseRuleSetText,
  parseTenantRuleSetText,
  unmatchedSwitchOffs,
  type CallScope,
  type RuleSet,
} from '../../../../pipelines/alerts/index.ts';
import { emotion } from './helpers.ts';

const anger = (id: string, held: number, extra = '') => `  - id: ${id}
    name: Anger ${id}
    subject: customer
    when: { state: [angry] }
    minDurationMs: ${held}
    audience: both
    severity: warning
    message: angry${extra}
`;

const global = parseRuleSetText(
  `version: 7\nrules:\n${anger('customer-frustration', 4000)}${anger('long-anger', 6000)}`,
);

function fired(rules: RuleSet, scope: CallScope, windows = 8): string[] {
  const engine = createAlertEngine({ rules });
  const out: string[] = [];
  for (let i = 0; i < windows; i++)
    for (const alert of engine.push({ ...emotion(i, 'customer', 'angry'), scope }))
      out.push(`${alert.ruleId}@${i}`);
  return out.sort();
}

describe('a tenant rule file', () => {
  it('limits its rules to the tenant and keeps queues', () => {
    const acme = parseTenantRuleSetText(
      `version: a1\nrules:\n${anger('acme-billing', 2000, '\n    queues: [billing]')}`,
      'acme',
    );
    expect(acme.rules[0]!.scope).toEqual({ tenants: ['acme'], queues: ['billing'] });
    const rules = mergeTenantRules(global, [acme]);
    expect(fired(rules, { tenant: 'acme', queue: 'billing' })).toContain('acme-billing@0');
    expect(fired(rules, { tenant: 'acme', queue: 'sales' }).some((f) => f.startsWith('acme-'))).toBe(false);
    expect(fired(rules, { tenant: 'globex', queue: 'billing' }).some((f) => f.startsWith('acme-'))).toBe(
      false,
    );
  });

  it('replaces a global rule by id for that tenant only', () => {
    const acme = parseTenantRuleSetText(`version: 1\nrules:\n${anger('customer-frustration', 2000)}`, 'acme');
    const rules = mergeTenantRules(global, [acme]);
    // Held 2 s (acme's) against 4 s (global): fires at window 0 against 2 (2 s windows, 1 s hop).
    expect(fired(rules, { tenant: 'acme', queue: '' })).toEqual(['customer-frustration@0', 'long-anger@4']);
    expect(fired(rules, { tenant: 'globex', queue: '' })).toEqual(['customer-frustration@2', 'long-anger@4']);
  });

  it('switches a global rule off for that tenant, alone with its id or on a whole rule', () => {
    const short = parseTenantRuleSetText(
      'version: 1\nrules:\n  - id: long-anger\n    enabled: false\n',
      'acme',
    );
    const whole = parseTenantRuleSetText(
      `version: 1\nrules:\n${anger('long-anger', 6000)}    enabled: false\n`,
      'acme',
    );
    for (const acme of [short, whole]) {
      expect(acme).toMatchObject({ tenant: 'acme', rules: [], disabled: ['long-anger'] });
      const rules = mergeTenantRules(global, [acme]);
      expect(fired(rules, { tenant: 'acme', queue: '' })).toEqual(['customer-frustration@2']);
      expect(fired(rules, { tenant: 'globex', queue: '' })).toEqual([
        'customer-frustration@2',
        'long-anger@4',
      ]);
    }
    expect(unmatchedSwitchOffs(global, short)).toEqual([]);
    const typo = parseTenantRuleSetText(
      'version: 1\nrules:\n  - id: long-angr\n    enabled: false\n',
      'acme',
    );
    expect(unmatchedSwitchOffs(global, typo)).toEqual(['long-angr']);
  });

  it('merges nothing when no tenant has a file', () => {
    expect(mergeTenantRules(global, [])).toBe(global);
  });

  it('refuses tenants naming another tenant, with the line', () => {
    expect(() =>
      parseTenantRuleSetText(`version: 1\nrules:\n${anger('x', 0, '\n    tenants: [acme, globex]')}`, 'acme'),
    ).toThrow(/rule "x" field tenants: the file of tenant "acme" may name only "acme".*\(line 11\)/);
    const own = parseTenantRuleSetText(
      `version: 1\nrules:\n${anger('x', 0, '\n    tenants: [acme]')}`,
      'acme',
    );
    expect(own.rules[0]!.scope).toEqual({ tenants: ['acme'], queues: null });
  });

  it('refuses a look-back over 5 minutes in a tenant file, not in the global file', () => {
    const sum = (withinMs: number) =>
      `version: 1\nrules:\n  - id: loud-hour\n    name: Loud\n    subject: customer\n    when: { metric: arousal, sumGte: 100, withinMs: ${withinMs} }\n    audience: both\n    severity: info\n    message: m\n`;
    expect(parseTenantRuleSetText(sum(300_000), 'acme').rules).toHaveLength(1);
    expect(() => parseTenantRuleSetText(sum(3_600_000), 'acme')).toThrow(
      expect.objectContaining({
        code: 'RULE_INVALID',
        message: expect.stringMatching(
          /rule "loud-hour" field when: looks back 3600000 ms; .* at most 300000 ms.*\(line 6\)/,
        ),
      }),
    );
    expect(parseRuleSetText(sum(3_600_000)).rules).toHaveLength(1);
  });

  it('is judged with the checks and limits of the global file', () => {
    const bad = (text: string) => () => parseTenantRuleSetText(text, 'acme');
    expect(bad('version: 1\nrules: [')).toThrow(expect.objectContaining({ code: 'RULES_SYNTAX' }));
    expect(bad(`version: 1\nrules:\n${anger('x', 0, '\n    cooldownMs: 1000')}`)).toThrow(
      /field cooldownMs: must be at least 10000 ms.*\(line 11\)/,
    );
    expect(bad(`version: 1\nrules:\n${anger('x', 0)}${anger('x', 0)}`)).toThrow(/duplicate id/);
    expect(bad('version: 1\nrules:\n  - id: x\n    enabled: false\n  - id: x\n    enabled: false\n')).toThrow(
      /rule "x" field id: duplicate id \(line 5\)/,
    );
    const many = Array.from({ length: 201 }, (_, i) => `  - { id: r${i}, enabled: false }\n`).join('');
    expect(bad(`version: 1\nrules:\n${many}`)).toThrow(/at most 200 rules/);
    // The short form is a tenant file's only: in the global file a rule needs all its fields.
    expect(() => parseRuleSetText('version: 1\nrules:\n  - id: x\n    enabled: false\n')).toThrow(
      /field name/,
    );
  });
});

describe('the engine after a tenant file changes', () => {
  it("keeps a rule's state while a rule of its id still judges the call, and frees it otherwise", () => {
    const acme = parseTenantRuleSetText(`version: 1\nrules:\n${anger('acme-anger', 5000)}`, 'acme');
    const engine = createAlertEngine({ rules: mergeTenantRules(global, [acme]) });
    const scope = { tenant: 'acme', queue: '' };
    const push = (i: number) =>
      engine.push({ ...emotion(i, 'customer', 'angry'), scope }).map((a) => a.ruleId);
    expect([0, 1, 2].flatMap(push)).toEqual(['customer-frustration']);
    // acme's rule changed (held 6 s): the 4 s held so far stay, as a changed global rule's would
    // (from nothing it would fire at window 7).
    const changed = parseTenantRuleSetText(`version: 2\nrules:\n${anger('acme-anger', 6000)}`, 'acme');
    engine.setRules(mergeTenantRules(global, [changed]));
    expect([3, 4, 5].flatMap(push)).toEqual(['long-anger', 'acme-anger']);
    // Switched off for acme, then back: it starts again from nothing (as a removed rule), so the
    // same anger fires it again 6 s on; kept, the episode it fired for would hold it back.
    const off = parseTenantRuleSetText(
      'version: 3\nrules:\n  - { id: long-anger, enabled: false }\n',
      'acme',
    );
    engine.setRules(mergeTenantRules(global, [off]));
    engine.setRules(global);
    expect([6, 7, 8, 9, 10].flatMap(push)).toEqual(['long-anger']);
  });
});
