// A rule marked pausedOnLineFault (the shipped long-silence) does not judge windows whose customer's
// line is suspected one-way: no "tell the customer what you are doing" cue while she cannot be
// heard, only the supervisor's customer-line-fault. The field decides, not the rule's id.
import { describe, expect, it } from 'vitest';
import { parseRuleSetText } from '../../../../pipelines/alerts/index.ts';
import { defaultRules, dynamics, engineWith, range, run } from './helpers.ts';

const ids = (alerts: { ruleId: string; kind: string }[]) => alerts.map((a) => `${a.ruleId}/${a.kind}`);

/** One call rule on mutual silence, under the id given, with the field's line as given. */
function silenceRule(id: string, field: string) {
  return parseRuleSetText(
    `version: 1\nrules:\n  - id: ${id}\n    name: Silence\n    subject: call\n    when: { metric: mutualSilenceFraction, gte: 0.9 }\n    minDurationMs: 8000\n    audience: both\n    severity: info\n    message: m\n${field}`,
  );
}

describe('rules paused on a one-way customer line', () => {
  it('raises the line fault for the supervisor and no long-silence cue, where the same silence does', () => {
    const oneWay = range(0, 30).map((i) => dynamics(i, { silenceMs: 2000, lineFaultMs: 2000 }));
    const alerts = run(engineWith(), oneWay);
    expect(ids(alerts)).toEqual(['customer-line-fault/raised']);
    expect(alerts[0].audience).toBe('supervisor');
    const silent = range(0, 30).map((i) => dynamics(i, { silenceMs: 2000 }));
    expect(ids(run(engineWith(), silent))).toEqual(['long-silence/raised']);
  });

  it('ends a silence run at the fault: after it the silence must last the full 8 s again', () => {
    // 6 s of silence, 4 s of fault, silence again: without the pause the run held through the
    // fault and fired at once; paused, it starts afresh when the customer's line is back.
    const seq = [
      ...range(0, 6).map((i) => dynamics(i, { silenceMs: 2000 })),
      ...range(6, 10).map((i) => dynamics(i, { silenceMs: 2000, lineFaultMs: 2000 })),
      ...range(10, 30).map((i) => dynamics(i, { silenceMs: 2000 })),
    ];
    const silence = run(engineWith(), seq).filter((a) => a.ruleId === 'long-silence');
    expect(silence.map((a) => a.at)).toEqual([16]);
  });

  it('pauses a rule by its field, whatever its id, and not a rule without it', () => {
    const oneWay = range(0, 30).map((i) => dynamics(i, { silenceMs: 2000, lineFaultMs: 2000 }));
    expect(run(engineWith(silenceRule('quiet-line', '    pausedOnLineFault: true\n')), oneWay)).toEqual([]);
    expect(ids(run(engineWith(silenceRule('long-silence', '')), oneWay))).toEqual(['long-silence/raised']);
    expect(
      defaultRules()
        .rules.filter((r) => r.pausedOnLineFault)
        .map((r) => r.id),
    ).toEqual(['long-silence']);
  });

  it('refuses the field on a rule of another subject than the call', () => {
    const file = `version: 1\nrules:\n  - id: agent-quiet\n    name: Quiet\n    subject: agent\n    when: { metric: speechFraction, lt: 0.1 }\n    minDurationMs: 8000\n    audience: agent\n    severity: info\n    message: m\n    pausedOnLineFault: true\n`;
    let error: unknown;
    try {
      parseRuleSetText(file);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'RULE_INVALID', ruleId: 'agent-quiet', field: 'pausedOnLineFault' });
  });
});
