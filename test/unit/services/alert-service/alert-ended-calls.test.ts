// A call's end reaches the alert evaluator through the fan-out (another
// topic, another consumer), so records of the call can be handled after it: its last windows, or
// a replay after a rebalance. They used to re-create the call's rule state and held commit, which
// nothing freed until the registry's purge (if ever). Now they are still evaluated, keep nothing,
// and the memory of ended calls is bounded.
import { describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertEngine } from '../../../../pipelines/alerts/index.ts';
import { createEvaluator, type EvaluatorInput } from '../../../../services/alert-service/evaluator.ts';
import { callKey } from '../../../../services/shared/call-key.ts';
import type { ConsumedRecord } from '../../../../services/shared/consumer-runner.ts';
import { RecentKeys } from '../../../../services/shared/recent-keys.ts';
import { defaultRules } from '../../pipelines/alerts/helpers.ts';
import { emotionRecord } from '../../../../devkit/records/alert-records.ts';

const TOPIC = 'emotions';

function setup(maxEndedCalls = 100, endGraceMs = 0, now = () => 0) {
  const engines: AlertEngine[] = [];
  const pushed: string[] = [];
  const evaluator = createEvaluator({
    createEngine: () => {
      const engine = createAlertEngine({ rules: defaultRules() });
      engines.push(engine);
      return {
        ...engine,
        push: (obs) => {
          pushed.push(obs.callId);
          return engine.push(obs);
        },
      };
    },
    alertsTopic: 'alerts',
    maxHoldRecords: 1_000,
    maxEndedCalls,
    endGraceMs,
    now,
    monotonicNow: now,
    ownerOf: () => undefined,
    onAlert: () => undefined,
  });
  let offset = 0;
  const emotion = (callId: string, window: number, state = 'neutral'): ConsumedRecord<EvaluatorInput> => ({
    topic: TOPIC,
    partition: 0,
    offset: String(offset++),
    key: callKey('demo', callId),
    value: { schema: 'emotion', value: emotionRecord(callId, 'customer', window, state) },
    timestampMs: 0,
  });
  const stateCalls = () => engines.reduce((n, e) => n + e.callCount(), 0);
  return { evaluator, emotion, pushed, stateCalls, next: () => String(offset) };
}

describe('alert evaluator and ended calls', () => {
  it('judges the windows a lagging classifier delivers after the end with the call’s state during the grace', () => {
    // The angry windows after the end: 2 s before it, 6 s after it (a classifier behind).
    const rulesFired = (endGraceMs: number) => {
      let clock = 0;
      const { evaluator, emotion, stateCalls } = setup(100, endGraceMs, () => clock);
      const fired: string[] = [];
      const push = (w: number) => {
        for (const out of evaluator.handle(emotion('late', w, 'angry'))) fired.push(String(out.message.key));
      };
      push(0);
      push(1);
      const held = evaluator.endCall(callKey('demo', 'late'));
      for (let w = 2; w < 8; w++) push(w);
      clock = endGraceMs + 1;
      const freed = evaluator.freeEndedCalls();
      return { fired, held, freed, stateCalls: stateCalls(), tracked: evaluator.trackedCalls() };
    };
    const graced = rulesFired(30_000);
    expect(graced.fired).toHaveLength(1);
    expect([graced.held, graced.freed]).toEqual([[], [{ topic: TOPIC, partition: 0 }]]);
    expect([graced.stateCalls, graced.tracked]).toEqual([0, 0]);
    // Without the grace each late window was judged alone: no 4 s of anger, no alert.
    expect(rulesFired(0).fired).toEqual([]);
  });

  it('remembers the end of a call the registry purged during its grace: its replayed records hold nothing', () => {
    const { evaluator, emotion, next } = setup(100, 30_000, () => 0);
    evaluator.handle(emotion('purged', 0));
    evaluator.endCall(callKey('demo', 'purged'));
    expect(evaluator.forgetCall(callKey('demo', 'purged'))).toEqual([{ topic: TOPIC, partition: 0 }]);
    evaluator.handle(emotion('purged', 1)); // replayed after a restart
    expect(evaluator.trackedCalls()).toBe(0);
    expect(evaluator.commitOffset(TOPIC, 0, next())).toBe(next());
  });

  it('evaluates records that come after a call ended without keeping state or holding the commit', () => {
    const { evaluator, emotion, pushed, stateCalls, next } = setup();
    evaluator.handle(emotion('a', 0));
    evaluator.handle(emotion('b', 0));
    evaluator.endCall(callKey('demo', 'a'));
    expect(evaluator.trackedCalls()).toBe(1);
    expect(evaluator.commitOffset(TOPIC, 0, next())).toBe('1');

    evaluator.handle(emotion('a', 1)); // the end came first: a late or replayed record
    expect(pushed.at(-1)).toBe(callKey('demo', 'a')); // still evaluated: its alerts are not lost
    expect(evaluator.trackedCalls()).toBe(1);
    expect(stateCalls()).toBe(1);
    expect(evaluator.commitOffset(TOPIC, 0, next())).toBe('1');

    // The partitions whose commit the call held, to commit again at once (a quiet partition).
    expect(evaluator.endCall(callKey('demo', 'b'))).toEqual([{ topic: TOPIC, partition: 0 }]);
    expect(evaluator.endCall(callKey('demo', 'b'))).toEqual([]);
    expect(evaluator.trackedCalls()).toBe(0);
    expect(stateCalls()).toBe(0);
    expect(evaluator.commitOffset(TOPIC, 0, next())).toBe(next());
  });

  it('tracks a purged idle call again when it has records again (it had not ended)', () => {
    const { evaluator, emotion } = setup();
    evaluator.handle(emotion('idle', 0));
    expect(evaluator.forgetCall(callKey('demo', 'idle'))).toEqual([{ topic: TOPIC, partition: 0 }]);
    expect(evaluator.trackedCalls()).toBe(0);
    evaluator.handle(emotion('idle', 1));
    expect(evaluator.trackedCalls()).toBe(1);
  });

  it('remembers a bounded number of ended calls, the oldest forgotten first', () => {
    const { evaluator, emotion } = setup(2);
    for (const id of ['a', 'b', 'c']) evaluator.endCall(callKey('demo', id));
    evaluator.handle(emotion('c', 0));
    evaluator.handle(emotion('b', 0));
    expect(evaluator.trackedCalls()).toBe(0);
    evaluator.handle(emotion('a', 0));
    expect(evaluator.trackedCalls()).toBe(1);

    const keys = new RecentKeys(2);
    for (const k of ['x', 'y', 'x', 'z']) keys.add(k);
    expect([keys.has('x'), keys.has('y'), keys.has('z'), keys.size]).toEqual([true, false, true, 2]);
  });

  it('refuses a record whose key names another call or tenant than its body (dead-lettered upstream)', () => {
    const { evaluator, emotion, pushed } = setup();
    const forged = { ...emotion('km', 0), key: callKey('acme', 'km') }; // body: tenant demo
    expect(() => evaluator.handle(forged)).toThrow(/record key is not the record call/);
    expect(pushed).toEqual([]);
    expect(evaluator.trackedCalls()).toBe(0);
  });
});
