// Records a successor re-reads below the previous owner's replay mark rebuild the call's state but
// make no hint and count in no metric; a replayed start of a call known to have ended looks no
// history up again, while one of a call merely unknown to the directory does.
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRoutingEngine, parseRoutingRulesText } from '../../../../pipelines/routing/index.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import { createRoutingHandler } from '../../../../services/routing-service/routing-handler.ts';
import { createRoutingMetrics } from '../../../../services/routing-service/routing-metrics.ts';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';

const RULES = parseRoutingRulesText(readFileSync('config/routing-rules.yaml', 'utf8'));
const returning = { callsInWindow: 3, windowDays: 7, lastEndState: 'angry' as const, escalations: 0 };

function setup() {
  const engine = createRoutingEngine(RULES);
  const registry = new Registry();
  const metrics = createRoutingMetrics(registry, engine);
  const looked: string[] = [];
  const handle = createRoutingHandler({
    config: loadRoutingServiceConfig({ KAFKA_BROKERS: 'k:1' }),
    engine,
    history: { lookup: async (_tenant, ref) => (looked.push(ref), returning) },
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
  value: callEventRecord(callId, { customerRef: `cref1_${callId}`, agentId: 'agent-1' }),
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
    expect(looked).toEqual(['cref1_unknown-to-the-directory']);
  });
});
