// The tension-rise cue after a transfer to another agent: the new agent's tension is measured
// against their own first speech windows, not the first agent's voice; a reconnect of the same
// agent, windows of unknown leg and the customer's stream keep their baseline.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../pipelines/alerts/index.ts';
import { defaultRules, engineWith, features, range, run } from './helpers.ts';

const FIRST_AGENT = 0x1234_5678;
const SECOND_AGENT = 0x9abc_def0;

/** A features window of a leg (`leg` 0 = a producer that does not say). */
function onLeg(obs: Observation, agentLeg: number): Observation {
  return obs.source === 'features' ? { ...obs, agentLeg } : obs;
}

/** 30 s of the first agent at tension 0.5, then 40 s of another voice at 0.65 on `secondLeg`. */
function transferredCall(secondLeg: number, channel: 'agent' | 'customer' = 'agent'): Observation[] {
  return [
    ...range(0, 30).map((i) => onLeg(features(i, channel, { tension: 0.5 }), FIRST_AGENT)),
    ...range(30, 70).map((i) => onLeg(features(i, channel, { tension: 0.65 }), secondLeg)),
  ];
}

const raised = (obs: Observation[]) => run(engineWith(), obs).filter((a) => a.kind === 'raised');

describe('agent-stress-rising across a transfer', () => {
  it('does not cue the second agent for a voice that is only higher than the first agent’s', () => {
    expect(raised(transferredCall(SECOND_AGENT))).toEqual([]);
  });

  it('cues the second agent for a rise over their own start', () => {
    const seq = [
      ...transferredCall(SECOND_AGENT),
      ...range(70, 100).map((i) => onLeg(features(i, 'agent', { tension: 0.8 }), SECOND_AGENT)),
    ];
    const alerts = raised(seq);
    expect(alerts.map((a) => a.ruleId)).toEqual(['agent-stress-rising']);
    expect(alerts[0].at).toBeGreaterThanOrEqual(70);
  });

  it('keeps the baseline for a reconnect of the same agent and for windows that name no leg', () => {
    // As before the marker: the 0.15 rise over the first agent's start is a rise.
    expect(raised(transferredCall(FIRST_AGENT)).map((a) => a.ruleId)).toEqual(['agent-stress-rising']);
    expect(raised(transferredCall(0)).map((a) => a.ruleId)).toEqual(['agent-stress-rising']);
  });

  it('keeps the customer’s baseline: the customer is the same person on either leg', () => {
    const agentRule = defaultRules().rules.find((r) => r.id === 'agent-stress-rising')!;
    const customerRule = { ...agentRule, id: 'customer-tension', subject: 'customer' as const };
    const alerts = run(
      engineWith({ version: 't', rules: [customerRule] }),
      transferredCall(SECOND_AGENT, 'customer'),
    );
    expect(alerts.filter((a) => a.kind === 'raised').map((a) => a.ruleId)).toEqual(['customer-tension']);
  });
});
