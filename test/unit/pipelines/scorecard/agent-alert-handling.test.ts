// alertHandling judges the agent on the alerts the agent was shown: an unacknowledged
// supervisor-only alert (the customer-line-fault rule) lowered the agent's score though the agent
// never saw it. The summary's alert figures still count every episode of the call.
import { describe, expect, it } from 'vitest';
import { computeScorecard, type ScoreAlert } from '../../../../pipelines/scorecard/index.ts';

function handling(alerts: ScoreAlert[]) {
  const card = computeScorecard({ durationMs: 180_000, windows: [], emotions: [], dynamics: [], alerts });
  return { part: card.parts.find((p) => p.name === 'alertHandling'), measures: card.measures };
}

const silenceCue: ScoreAlert = {
  alertId: 'c:call:20:long-silence',
  ruleId: 'long-silence',
  startMs: 20_000,
  firedAtMs: 20_000,
  ackedAtMs: 50_000,
  audience: 'both',
};
const lineFault: ScoreAlert = {
  alertId: 'c:call:36:customer-line-fault',
  ruleId: 'customer-line-fault',
  startMs: 36_000,
  firedAtMs: 36_000,
  ackedAtMs: null,
  audience: 'supervisor',
};

describe('scorecard alertHandling over the alerts the agent was shown', () => {
  it('leaves an unacknowledged supervisor-only alert out of the part, not out of the summary', () => {
    const { part, measures } = handling([silenceCue, lineFault]);
    expect(part).toMatchObject({ value: 1, measure: 1 });
    expect(part?.explanation).toMatch(/1 supervisor-only alert\(s\) not counted/);
    expect(measures).toMatchObject({ alertsCount: 2, alertsAcknowledged: 1, ackDelaysS: [30] });
  });

  it('does not apply when every alert of the call was the supervisor’s alone', () => {
    expect(handling([lineFault]).part).toMatchObject({ value: null, measure: null });
  });

  it('still counts an agent cue escalated to supervisors, and an escalation whose cue is elsewhere', () => {
    const cue: ScoreAlert = {
      alertId: 'c:agent:60:agent-too-fast',
      ruleId: 'agent-too-fast',
      channel: 'agent',
      startMs: 30_000,
      firedAtMs: 30_000,
      ackedAtMs: null,
      audience: 'agent',
    };
    const escalation: ScoreAlert = {
      ...cue,
      alertId: `${cue.alertId}.escalated`,
      startMs: 90_000,
      firedAtMs: 90_000,
      escalationOf: cue.alertId,
      audience: 'supervisor',
    };
    // Never acknowledged: the agent's cue counts against the agent, escalated or not.
    expect(handling([cue, escalation]).part).toMatchObject({ value: 0, measure: 0 });
    // Its cue on another leg (not in the input): the agent-only cue it escalated was the agent's.
    expect(handling([{ ...escalation, ackedAtMs: 100_000 }]).part).toMatchObject({ value: 1, measure: 1 });
  });

  it('counts an alert whose audience is not known, as before the audience was read', () => {
    const { audience: _unknown, ...unknown } = lineFault;
    expect(handling([silenceCue, unknown]).part).toMatchObject({ value: 0.5, measure: 0.5 });
  });
});
