// The routing-hint engine over the shipped rules: a hint at call start from history, live hints
// when frustration is sustained (the alert) or distress dominates, only when the risk rises, with
// deterministic ids; and the rule file's validation naming rule and field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRoutingEngine,
  parseRoutingRules,
  parseRoutingRulesText,
  RoutingRuleError,
} from '../../../../pipelines/routing/index.ts';

const RULES = parseRoutingRulesText(
  readFileSync(new URL('../../../../config/routing-rules.yaml', import.meta.url), 'utf8'),
);
const call = {
  tenant: 'acme',
  callId: 'c-1',
  customerRef: 'cr_4f2a',
  agentId: 'agent-1',
  queue: 'billing',
  startedAtMs: 1_000_000,
};
const frustration = {
  tenant: 'acme',
  callId: 'c-1',
  ruleId: 'customer-frustration',
  state: 'fired',
  windowIndex: 17,
  audioMs: 17_000,
  message: 'Customer frustrated for 7 s: pitch +4 st',
  firedAtMs: 1_020_000,
};

describe('routing engine', () => {
  it('hints at call start from history: last call ended angry and a repeat caller', () => {
    const engine = createRoutingEngine(RULES);
    const hint = engine.start(call, {
      callsInWindow: 3,
      windowDays: 7,
      lastEndState: 'angry',
      escalations: 0,
    });
    expect(hint).toEqual({
      hintId: 'acme/c-1:routing:call-start:last-call-ended-angry:start',
      tenant: 'acme',
      callId: 'c-1',
      customerRef: 'cr_4f2a',
      risk: 0.65,
      reasons: ['Last call ended angry', '3 earlier calls in 7 days'],
      suggested: 'senior',
      expiresAtMs: 1_300_000,
      trigger: 'call-start',
      ruleIds: ['last-call-ended-angry', 'repeat-caller'],
      audioMs: 0,
      producedAtMs: 1_000_000,
      agentId: 'agent-1',
      queue: 'billing',
    });
  });

  it('makes no start hint without history, then a live one when frustration is sustained', () => {
    const engine = createRoutingEngine(RULES);
    expect(engine.start(call, null)).toBeNull();
    expect(
      engine.start(call, { callsInWindow: 0, windowDays: 7, lastEndState: 'neutral', escalations: 0 }),
    ).toBeNull();
    const hint = engine.alert(frustration);
    expect(hint).toMatchObject({
      hintId: 'acme/c-1:routing:live:frustration-sustained:a17',
      risk: 0.7,
      suggested: 'senior',
      trigger: 'live',
      reasons: ['Customer frustrated for 7 s: pitch +4 st'],
      expiresAtMs: 1_320_000,
      customerRef: 'cr_4f2a',
    });
    // The same alert again (replay, escalation) adds nothing; a resolved state is no trigger.
    expect(engine.alert(frustration)).toBeNull();
    expect(engine.alert({ ...frustration, ruleId: 'customer-mood-dropping', state: 'resolved' })).toBeNull();
    // Mood dropping adds a reason: 1 − 0.3 × 0.6 = 0.82, a rise of 0.12 ≥ 0.1 → a new hint.
    expect(engine.alert({ ...frustration, ruleId: 'customer-mood-dropping', windowIndex: 30 })).toMatchObject(
      {
        risk: 0.82,
        suggested: 'senior',
        ruleIds: ['frustration-sustained', 'mood-dropping'],
      },
    );
  });

  it('hints live when distress dominates the recent customer windows, not on one sad window', () => {
    const engine = createRoutingEngine(RULES);
    engine.start(call, null);
    const hints = [];
    for (let i = 0; i < 30; i++) {
      const state = i < 8 ? 'neutral' : i % 5 === 0 ? 'no-speech' : 'sad';
      const hint = engine.emotion({
        tenant: 'acme',
        callId: 'c-1',
        channel: 'customer',
        windowIndex: i,
        startMs: i * 1000,
        state,
        producedAtMs: 2_000_000 + i * 1000,
      });
      if (hint) hints.push({ i, hint });
    }
    expect(hints).toHaveLength(1);
    expect(hints[0].hint).toMatchObject({ suggested: 'callback', risk: 0.4, trigger: 'live' });
    expect(hints[0].hint.reasons[0]).toMatch(/sad or anxious in \d+ % of the last 30 s/);
    // Agent windows never count.
    expect(
      engine.emotion({
        tenant: 'acme',
        callId: 'c-2',
        channel: 'agent',
        windowIndex: 0,
        startMs: 0,
        state: 'sad',
        producedAtMs: 0,
      }),
    ).toBeNull();
  });

  it('counts a replayed window once and judges shares from the latest windows', () => {
    const window = (windowIndex: number, state: string) => ({
      tenant: 'acme',
      callId: 'c-1',
      channel: 'customer' as const,
      windowIndex,
      startMs: windowIndex * 1000,
      state,
      producedAtMs: 2_000_000 + windowIndex * 1000,
    });
    const replayed = createRoutingEngine(RULES);
    replayed.start(call, null);
    // 9 sad windows, one short of the rule's 10, then the same 9 again (the classifier re-reading
    // after a rebalance): still no hint.
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 9; i++) expect(replayed.emotion(window(i, 'sad'))).toBeNull();
    expect(replayed.emotion(window(9, 'sad'))).not.toBeNull();

    // 5 neutral and 5 sad windows (50 %, under the 60 % share): the sad ones replayed stay 50 %.
    const mixed = createRoutingEngine(RULES);
    mixed.start(call, null);
    for (let i = 0; i < 10; i++) mixed.emotion(window(i, i < 5 ? 'neutral' : 'sad'));
    for (let i = 5; i < 10; i++) expect(mixed.emotion(window(i, 'sad'))).toBeNull();

    // A late window counts where it belongs: windows 0–9 sad arrive, but 10–39 neutral came first.
    const late = createRoutingEngine(RULES);
    late.start(call, null);
    for (let i = 10; i < 40; i++) late.emotion(window(i, 'neutral'));
    for (let i = 0; i < 10; i++) expect(late.emotion(window(i, 'sad'))).toBeNull();
  });

  it('names the call from the directory when its start was read elsewhere, and forgets on revocation', () => {
    const engine = createRoutingEngine(RULES, {
      callOf: (tenant, callId) => (callId === 'c-1' ? call : undefined),
    });
    expect(engine.alert(frustration)).toMatchObject({
      customerRef: 'cr_4f2a',
      agentId: 'agent-1',
      queue: 'billing',
    });
    expect(engine.has('acme', 'c-1')).toBe(true);
    engine.forget(['acme/c-1']);
    expect(engine.has('acme', 'c-1')).toBe(false);
    // Forgotten, not ended: a replay builds it again and hints as before.
    expect(engine.alert(frustration)?.hintId).toBe('acme/c-1:routing:live:frustration-sustained:a17');
  });

  it('frees a call at its end and makes no hint from its late records', () => {
    const engine = createRoutingEngine(RULES);
    engine.start(call, null);
    expect(engine.size()).toBe(1);
    engine.end('acme', 'c-1');
    expect(engine.size()).toBe(0);
    expect(engine.alert(frustration)).toBeNull();
    expect(engine.size()).toBe(0);
    engine.start(call, null);
    expect(engine.alert(frustration)).not.toBeNull();
  });
});

describe('routing rule file', () => {
  const base = {
    version: 1,
    rules: [
      { id: 'a', on: 'alert', when: { alertRule: ['x'] }, risk: 0.5, suggested: 'senior', reason: 'r' },
    ],
  };
  const withRule = (patch: Record<string, unknown>) => ({ ...base, rules: [{ ...base.rules[0], ...patch }] });
  const error = (raw: unknown) => {
    try {
      parseRoutingRules(raw);
    } catch (e) {
      if (e instanceof RoutingRuleError) return { code: e.code, field: e.field, message: e.message };
      throw e;
    }
    return null;
  };

  it('loads the shipped file with its defaults', () => {
    expect(RULES.rules.map((r) => r.id)).toContain('frustration-sustained');
    expect(RULES.minRiskRise).toBe(0.1);
    expect(RULES.rules.every((r) => r.ttlMs === 300_000)).toBe(true);
  });

  it('names the rule and the field of every problem', () => {
    expect(error(withRule({ risk: 1.5 }))).toMatchObject({ code: 'ROUTING_RULE_INVALID', field: 'risk' });
    expect(error(withRule({ suggested: 'manager' }))).toMatchObject({ field: 'suggested' });
    expect(error(withRule({ on: 'call-start' }))?.message).toMatch(/rule "a" field when.*takes history/);
    expect(
      error(
        withRule({
          when: { states: ['angry'], minShare: 0.5, withinMs: 1000 },
          on: 'emotion',
          reason: '{calls}',
        }),
      ),
    ).toMatchObject({
      field: 'reason',
    });
    expect(error({ ...base, rules: [base.rules[0], base.rules[0]] })).toMatchObject({ field: 'id' });
    expect(error({ version: 1, rules: [] })).toMatchObject({ code: 'ROUTING_RULES_INVALID', field: 'rules' });
    expect(() => parseRoutingRulesText('rules: [')).toThrow(
      expect.objectContaining({ code: 'ROUTING_RULES_SYNTAX' }),
    );
    expect(parseRoutingRules(withRule({ enabled: false })).rules).toEqual([]);
  });
});
