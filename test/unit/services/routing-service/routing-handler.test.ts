// Records a successor re-reads below the previous owner's replay mark rebuild the call's state but
// make no hint and count in no metric; a replayed start of a call known to have ended looks no
// history up again, while one of a call merely unknown to the directory does.
import { pseudonymOf } from '../../../support/pseudonym.ts';
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRoutingEngine, parseRoutingRulesText } from '../../../../pipelines/routing/index.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import {
  createHistoryBreaker,
  type HistoryBreaker,
} from '../../../../services/routing-service/history-breaker.ts';
import type { HistorySource } from '../../../../services/routing-service/history-source.ts';
import { createRoutingHandler } from '../../../../services/routing-service/routing-handler.ts';
import { createRoutingMetrics } from '../../../../services/routing-service/routing-metrics.ts';
import { routingHintCodec } from '../../../../services/routing-service/routing-records.ts';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';

const RULES = parseRoutingRulesText(readFileSync('config/routing-rules.yaml', 'utf8'));
const returning = { callsInWindow: 3, windowDays: 7, lastEndState: 'angry' as const, escalations: 0 };

function setup(history: HistorySource = { lookup: async () => returning }, breaker?: HistoryBreaker) {
  const engine = createRoutingEngine(RULES);
  const registry = new Registry();
  const metrics = createRoutingMetrics(registry, engine);
  const looked: string[] = [];
  const handle = createRoutingHandler({
    config: loadRoutingServiceConfig({ KAFKA_BROKERS: 'k:1' }),
    engine,
    history: {
      lookup: async (tenant, ref, signal, callId) => (
        looked.push(ref),
        history.lookup(tenant, ref, signal, callId)
      ),
    },
    breaker,
    hints: metrics.hints,
    lookups: metrics.lookups,
    hasEnded: (tenant, callId) => engine.hasEnded(tenant, callId),
  });
  const counted = async () =>
    (await registry.getMetricsAsJSON())
      .filter((m) => m.name === 'va_routing_hints_total' || m.name === 'va_routing_history_lookups_total')
      .flatMap((m) => m.values.map((v) => v.value));
  return { engine, handle, looked, counted };
}

const start = (callId: string) => ({
  schema: 'call' as const,
  value: callEventRecord(callId, { customerRef: pseudonymOf(callId), agentId: 'agent-1' }),
});

/** The customer-frustration alert of call `callId`, fired. */
const frustrationFired = (callId: string) => ({
  schema: 'alert' as const,
  value: {
    tenant: 'demo',
    callId,
    ruleId: 'customer-frustration',
    state: 'fired',
    windowIndex: 20,
    audioMs: 20_000,
    message: 'Customer frustrated',
    firedAtMs: Date.now(),
  } as never,
});

describe('routing handler on replayed records', () => {
  it('rebuilds the state without a hint or a metric, and hints later from it', async () => {
    const { engine, handle, counted } = setup();
    expect(await handle(start('c-1'), { replayed: true })).toEqual([]);
    expect(engine.has('demo', 'c-1')).toBe(true);
    expect(await counted()).toEqual([]);
    // The history reason is in the rebuilt state: a live start of the same call adds nothing new.
    expect(await handle(start('c-1'), { replayed: false })).toEqual([]);
  });

  it('looks a replayed start up unless the call is known to have ended', async () => {
    const { engine, handle, looked } = setup();
    engine.end('demo', 'gone');
    await handle(start('gone'), { replayed: true });
    await handle(start('unknown-to-the-directory'), { replayed: true });
    expect(looked).toEqual([pseudonymOf('unknown-to-the-directory')]);
  });

  it('gives a call without analytics consent no hint, live ones included', async () => {
    const { handle, looked } = setup();
    const call = callEventRecord('quiet', { customerRef: pseudonymOf('quiet'), agentId: 'agent-1' });
    const noConsent = { ...call, consent: { ...call.consent, analytics: false } };
    expect(await handle({ schema: 'call', value: noConsent }, { replayed: false })).toEqual([]);
    expect(await handle(frustrationFired('quiet'), { replayed: false })).toEqual([]);
    expect(looked).toEqual([]);
    // The same alert on a consented call is a hint (the rule exists).
    await handle(start('loud'), { replayed: false });
    expect(await handle(frustrationFired('loud'), { replayed: false })).toHaveLength(1);
  });

  it('stops hinting a call whose analytics consent is withdrawn mid-call, and only then', async () => {
    const { engine, handle, looked } = setup();
    const changed = (callId: string, consent: object) => {
      const call = callEventRecord(callId, { customerRef: pseudonymOf(callId), agentId: 'agent-1' });
      return {
        schema: 'call' as const,
        value: { ...call, type: 'consent-changed' as const, consent: { ...call.consent, ...consent } },
      };
    };
    for (const callId of ['narrowed', 'withdrawn']) {
      await handle(start(callId), { replayed: false });
      // Narrower storage or history consent: no new lookup, no hint of its own.
      const narrower = changed(callId, { storeFeatures: false, historyOptOut: true });
      expect(await handle(narrower, { replayed: false })).toEqual([]);
    }
    expect(await handle(changed('withdrawn', { analytics: false }), { replayed: false })).toEqual([]);
    expect(engine.hasEnded('demo', 'withdrawn')).toBe(true);
    expect(await handle(frustrationFired('withdrawn'), { replayed: false })).toEqual([]);
    // The call that only narrowed what is kept is still hinted.
    expect(await handle(frustrationFired('narrowed'), { replayed: false })).toHaveLength(1);
    expect(looked).toEqual([pseudonymOf('narrowed'), pseudonymOf('withdrawn')]);
  });

  it('drops the history reason from later hints once the customer opts out of history mid-call', async () => {
    const { handle } = setup();
    const hintOf = (records: Awaited<ReturnType<typeof handle>>) =>
      records.map((r) => routingHintCodec.decode(r.message.value as Buffer, r.message.headers as never));
    const call = callEventRecord('opted', { customerRef: pseudonymOf('opted'), agentId: 'agent-1' });
    const [atStart] = hintOf(await handle(start('opted'), { replayed: false }));
    expect(atStart.ruleIds).toEqual(['last-call-ended-angry', 'repeat-caller']);
    const optedOut = {
      ...call,
      type: 'consent-changed' as const,
      consent: { ...call.consent, historyOptOut: true },
    };
    expect(await handle({ schema: 'call', value: optedOut }, { replayed: false })).toEqual([]);
    // The live hint weighs the live reason only ("live hints only"), and is made at once, as a first.
    const [live] = hintOf(await handle(frustrationFired('opted'), { replayed: false }));
    expect([live.ruleIds, live.risk, live.reasons]).toEqual([
      ['frustration-sustained'],
      0.7,
      ['Customer frustrated'],
    ]);
    // A stream resumed with the opt-out (a start again) drops them as well.
    await handle(start('resumed'), { replayed: false });
    const resumed = callEventRecord('resumed', { customerRef: pseudonymOf('resumed'), agentId: 'agent-1' });
    await handle(
      { schema: 'call', value: { ...resumed, consent: { ...resumed.consent, historyOptOut: true } } },
      { replayed: false },
    );
    const [resumedLive] = hintOf(await handle(frustrationFired('resumed'), { replayed: false }));
    expect(resumedLive.ruleIds).toEqual(['frustration-sustained']);
  });

  it('takes a raw customer reference (a sender that bypassed the gateway) for no customer: no lookup, none in the hint', async () => {
    const { handle, looked } = setup();
    const raw = {
      schema: 'call' as const,
      value: callEventRecord('raw', { customerRef: '+44 7700 900888', agentId: 'agent-1' }),
    };
    await handle(raw, { replayed: false });
    expect(looked).toEqual([]);
    const [hint] = await handle(frustrationFired('raw'), { replayed: false });
    const decoded = routingHintCodec.decode(hint.message.value as Buffer, hint.message.headers as never);
    expect(decoded.customerRef).toBe('');
    expect(JSON.stringify(decoded)).not.toContain('7700');
  });

  it('skips the lookup while the history source keeps failing, and tries again after a while', async () => {
    let t = 0;
    const breaker = createHistoryBreaker({ maxFailures: 3, openMs: 10_000, now: () => t });
    let down = true;
    const { handle, looked, counted } = setup(
      {
        lookup: async () => {
          if (down) throw new Error('store down');
          return returning;
        },
      },
      breaker,
    );
    for (let i = 0; i < 6; i++) await handle(start(`down-${i}`), { replayed: false });
    // Three failures open the breaker: the other three starts skip the lookup.
    expect(looked).toHaveLength(3);
    expect(await counted()).toEqual([3, 3]);
    t += 10_000;
    down = false;
    expect(await handle(start('back'), { replayed: false })).toHaveLength(1);
    expect(looked).toHaveLength(4);
  });
});
