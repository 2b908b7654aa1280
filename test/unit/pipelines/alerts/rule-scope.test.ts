// A rule limited to tenants or queues judges only their calls: one deployment serves several
// brands, and a rule an admin added "for acme" fired on globex's calls too (admin probe).
import { describe, expect, it } from 'vitest';
import { createAlertEngine, parseRuleSetText, type CallScope } from '../../../../pipelines/alerts/index.ts';
import { emotion } from './helpers.ts';

const rules = parseRuleSetText(`version: 1
rules:
  - id: acme-billing-anger
    name: Anger on acme's billing line
    subject: customer
    when: { state: [angry] }
    minDurationMs: 2000
    tenants: [acme]
    queues: [billing]
    audience: both
    severity: warning
    message: angry
  - id: anger-anywhere
    name: Anger
    subject: customer
    when: { state: [angry] }
    minDurationMs: 2000
    audience: both
    severity: warning
    message: angry
`);

function firedRules(scope: CallScope | undefined): string[] {
  const engine = createAlertEngine({ rules });
  const fired: string[] = [];
  for (let i = 0; i < 6; i++)
    for (const alert of engine.push({ ...emotion(i, 'customer', 'angry'), scope })) fired.push(alert.ruleId);
  return fired.sort();
}

describe('rules limited to tenants and queues', () => {
  it('fire on the calls they name only', () => {
    expect(firedRules({ tenant: 'acme', queue: 'billing' })).toEqual([
      'acme-billing-anger',
      'anger-anywhere',
    ]);
    expect(firedRules({ tenant: 'globex', queue: 'billing' })).toEqual(['anger-anywhere']);
    expect(firedRules({ tenant: 'acme', queue: 'sales' })).toEqual(['anger-anywhere']);
  });

  it('wait for a call whose tenant and queue are unknown', () => {
    expect(firedRules(undefined)).toEqual(['anger-anywhere']);
    expect(firedRules({ tenant: 'acme', queue: '' })).toEqual(['anger-anywhere']);
  });
});
