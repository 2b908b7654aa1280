// An alert's message is cut at MAX_ALERT_MESSAGE_CHARS where it is made: a template of 500
// characters with the evidence filled in twice ran past the 1 000 every consumer of the topic
// takes (the call store and the routing service refused the alert the wallboard showed).
import { describe, expect, it } from 'vitest';
import { MAX_ALERT_MESSAGE_CHARS } from '../../../../pipelines/alerts/engine.ts';
import { defaultRules, emotion, engineWith, range, run } from './helpers.ts';

describe('alert message bound', () => {
  it('cuts a long message with an ellipsis at the bound', () => {
    const rules = defaultRules();
    const frustration = rules.rules.find((r) => r.id === 'customer-frustration')!;
    frustration.message = `${'Customer frustrated. '.repeat(20)}{evidence} / {evidence}`;
    const long = 'pitch far above the baseline and rising, '.repeat(10);
    const alerts = run(
      engineWith(rules),
      range(0, 40).map((i) => {
        const obs = emotion(i, 'customer', i < 20 ? 'neutral' : 'angry');
        if (i >= 20 && obs.source === 'emotion') obs.event.evidence = [long];
        return obs;
      }),
    );
    const fired = alerts.find((a) => a.ruleId === 'customer-frustration');
    expect(fired).toBeDefined();
    expect(fired!.message).toHaveLength(MAX_ALERT_MESSAGE_CHARS);
    expect(fired!.message.endsWith('…')).toBe(true);
  });
});
