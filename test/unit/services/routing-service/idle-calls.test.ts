// The routing service's idle sweep: a call whose end never comes is freed after the idle time
// without a record (wall clock of arrival), its held commits move on, the calls gauge's count
// drops; its late records (made before the sweep) neither make a hint nor hold a commit again,
// while a record made after it (the call lives on elsewhere) opens it again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRoutingEngine, parseRoutingRulesText } from '../../../../pipelines/routing/index.ts';
import { createIdleCalls } from '../../../../services/routing-service/idle-calls.ts';
import { createRoutingReplay } from '../../../../services/routing-service/routing-replay.ts';

const RULES = parseRoutingRulesText(
  readFileSync(new URL('../../../../config/routing-rules.yaml', import.meta.url), 'utf8'),
);
const IDLE_MS = 600_000;
const T0 = 1_000_000;

const frustration = (callId: string, firedAtMs: number) => ({
  tenant: 'acme',
  callId,
  ruleId: 'customer-frustration',
  state: 'fired',
  windowIndex: 17,
  audioMs: 17_000,
  message: 'Customer frustrated for 7 s',
  firedAtMs,
});
const sad = (callId: string, windowIndex: number, producedAtMs: number) => ({
  tenant: 'acme',
  callId,
  channel: 'customer',
  windowIndex,
  startMs: windowIndex * 1000,
  state: 'sad',
  producedAtMs,
});

function setup() {
  const engine = createRoutingEngine(RULES);
  const replay = createRoutingReplay(['calls', 'emotions', 'alerts'], 1_000_000);
  const idle = createIdleCalls(IDLE_MS, engine, replay);
  /** What the service's handler does after each record: hold and touch, or release. */
  const handled = (topic: string, partition: number, callId: string, offset: number, nowMs: number) => {
    const key = `acme/${callId}`;
    if (engine.has('acme', callId)) {
      replay.note(topic, partition, key, offset);
      idle.seen('acme', callId, nowMs);
    } else {
      replay.release(key);
      idle.forget(key);
    }
  };
  return { engine, replay, idle, handled };
}

describe('routing idle sweep', () => {
  it('frees a call whose end never came, releases its held commits, keeps a live one', () => {
    const { engine, replay, idle, handled } = setup();
    engine.start(
      { tenant: 'acme', callId: 'gone', customerRef: '', agentId: 'a', queue: 'q', startedAtMs: T0 },
      null,
    );
    handled('calls', 0, 'gone', 3, T0);
    engine.emotion(sad('gone', 0, T0 + 1_000));
    handled('emotions', 1, 'gone', 10, T0 + 1_000);
    // Another call keeps producing windows (hold music: 'no-speech' windows count as records).
    for (let i = 0; i < 12; i += 1) {
      const at = T0 + 60_000 * i;
      engine.emotion({ ...sad('live', i, at), state: 'no-speech' });
      handled('emotions', 1, 'live', 20 + i, at);
    }
    expect(engine.size()).toBe(2);
    expect(replay.commitOffset('emotions', 1, '40')).toBe('10');
    expect(idle.sweep(T0 + 1_000 + IDLE_MS - 1)).toEqual([]);
    expect(engine.size()).toBe(2);

    const freed = idle.sweep(T0 + 1_000 + IDLE_MS);
    expect(freed).toEqual([
      { topic: 'calls', partition: 0 },
      { topic: 'emotions', partition: 1 },
    ]);
    expect([engine.size(), engine.has('acme', 'gone'), engine.has('acme', 'live'), idle.size]).toEqual([
      1,
      false,
      true,
      1,
    ]);
    // The commits move on: to the live call's first record, past the freed call's.
    expect(replay.commitOffset('calls', 0, '9')).toBe('9');
    expect(replay.commitOffset('emotions', 1, '40')).toBe('20');
  });

  it("takes a freed call's late records as after an end: no hint, no state, no hold", () => {
    const { engine, replay, idle, handled } = setup();
    engine.emotion(sad('gone', 0, T0));
    handled('emotions', 0, 'gone', 5, T0);
    const sweptAt = T0 + IDLE_MS;
    expect(idle.sweep(sweptAt)).toEqual([{ topic: 'emotions', partition: 0 }]);
    // A replayed alert, late windows: all made before the sweep.
    expect(engine.alert(frustration('gone', T0 + 500))).toBeNull();
    handled('alerts', 0, 'gone', 7, sweptAt + 1);
    for (let i = 1; i < 12; i += 1) {
      expect(engine.emotion(sad('gone', i, T0 + i * 1000))).toBeNull();
      handled('emotions', 0, 'gone', 5 + i, sweptAt + 1);
    }
    expect(
      engine.start(
        { tenant: 'acme', callId: 'gone', customerRef: '', agentId: 'a', queue: 'q', startedAtMs: T0 },
        null,
      ),
    ).toBeNull();
    handled('calls', 0, 'gone', 2, sweptAt + 1);
    expect([engine.size(), idle.size]).toEqual([0, 0]);
    expect(replay.commitOffset('alerts', 0, '8')).toBe('8');
    expect(replay.commitOffset('emotions', 0, '30')).toBe('30');
    expect(replay.commitOffset('calls', 0, '3')).toBe('3');
  });

  it('opens a freed call again on a record made after the sweep (it lives on elsewhere)', () => {
    const { engine, replay, idle, handled } = setup();
    engine.alert(frustration('split', T0));
    handled('alerts', 2, 'split', 1, T0);
    const sweptAt = T0 + IDLE_MS;
    idle.sweep(sweptAt);
    expect(engine.has('acme', 'split')).toBe(false);
    const later = {
      ...frustration('split', sweptAt + 5_000),
      ruleId: 'customer-mood-dropping',
      windowIndex: 600,
    };
    expect(engine.alert(later)).not.toBeNull();
    handled('alerts', 2, 'split', 9, sweptAt + 5_000);
    expect([engine.size(), idle.size]).toEqual([1, 1]);
    expect(replay.commitOffset('alerts', 2, '12')).toBe('9');
    // An end frees it for good, expiry or not.
    engine.end('acme', 'split');
    expect(engine.alert(frustration('split', sweptAt + 10 * IDLE_MS))).toBeNull();
  });

  it('counts no idle time while the consumer is stalled: an outage longer than the idle time expires nothing', () => {
    const { engine, idle, handled } = setup();
    engine.start(
      { tenant: 'acme', callId: 'quiet', customerRef: '', agentId: 'a', queue: 'q', startedAtMs: T0 },
      null,
    );
    handled('calls', 0, 'quiet', 3, T0);
    // Fifteen minutes of outage: the sweeper sees the consumer stalled every second.
    for (let t = T0; t <= T0 + 900_000; t += 1_000) idle.stalled(t);
    expect(idle.sweep(T0 + 900_000 + IDLE_MS - 1)).toEqual([]);
    expect(engine.size()).toBe(1);
    expect(idle.sweep(T0 + 900_000 + IDLE_MS)).toEqual([{ topic: 'calls', partition: 0 }]);
  });
});
