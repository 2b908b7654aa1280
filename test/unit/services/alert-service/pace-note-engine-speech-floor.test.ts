// Review revF29: the pace note must count as speech exactly the windows the engine's
// agent-too-fast rule counts. The engine skips a window under its own line
// (ENGINE_MIN_SPEECH_FRACTION, 0.2) whatever the rule's minSpeechFraction says; a tenant rule with
// minSpeechFraction 0.1 made the note judge windows the rule never judges (pace over little
// speech balloons: agent-pace.ts) and warn "too fast" where the rule never cues.
import { describe, expect, it } from 'vitest';
import { mergeTenantRules, parseTenantRuleSetText } from '../../../../pipelines/alerts/index.ts';
import { createAlertEngine } from '../../../../pipelines/alerts/engine.ts';
import { paceLines } from '../../../../pipelines/alerts/pace-line.ts';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';
import { defaultRules, features, range } from '../../pipelines/alerts/helpers.ts';
import { paceRuleYaml } from '../../../support/pace-rule.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'lo', agentId: null, teams: [] };

describe('the pace note and the engine, on windows of little speech', () => {
  it("judge the same windows under a tenant rule whose minSpeechFraction is below the engine's line", () => {
    const rules = mergeTenantRules(defaultRules(), [
      parseTenantRuleSetText(`version: t1\nrules:\n${paceRuleYaml(undefined, '', 0.1)}`, 'lo'),
    ]);
    // The engine: 40 s of agent windows at 15 % speech, pace 12: the rule never holds.
    const engine = createAlertEngine({ rules });
    const fired = range(0, 40).flatMap((i) =>
      engine.push({
        ...features(i, 'agent', { rate: 12, speech: 0.15 }),
        scope: { tenant: 'lo', queue: 'billing' },
      }),
    );
    expect(fired.filter((a) => a.ruleId === 'agent-too-fast')).toEqual([]);
    // The page, fed the same windows.
    const lineOf = paceLines(rules);
    const r = createCallRegistry({ paceLine: lineOf });
    r.start({ callId: 'c1', tenant: 'lo', agentId: 'agent-1', team: '', queue: 'billing', startedAtMs: 0 });
    for (const i of range(0, 40))
      r.features(
        'lo',
        'c1',
        {
          channel: 'agent',
          windowIndex: i,
          articulationRate: 12,
          tensionIndex: 0.4,
          speechFraction: 0.15,
          endMs: i * 1000 + 2000,
        },
        i,
      );
    expect(visibleCalls(r, admin)[0].agent.paceTooFast).toBe(false);
  });

  it('gives no note for a rule judged on audio time (every window), which the note cannot follow', () => {
    const yaml = paceRuleYaml(undefined, '\n    durationBasis: audio').replace(
      /\n {4}minSpeechFraction: [0-9.]+/,
      '',
    );
    const rules = mergeTenantRules(defaultRules(), [
      parseTenantRuleSetText(`version: t1\nrules:\n${yaml}`, 'lo'),
    ]);
    expect(paceLines(rules)('lo', 'billing')).toBeNull();
  });
});
