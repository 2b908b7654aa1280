// The routing engine refuses a customer window far ahead of the call (WINDOW_JUMP, as the alert
// engine and the classifier do): one window an hour ahead moved the call's horizon past every
// real window, and its live hints stopped for good.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRoutingEngine, parseRoutingRulesText } from '../../../../pipelines/routing/index.ts';
import { WindowJumpError } from '../../../../pipelines/window-place.ts';
import { windowJumpProblem } from '../../../../services/shared/audio-pace.ts';

const RULES = parseRoutingRulesText(
  readFileSync(new URL('../../../../config/routing-rules.yaml', import.meta.url), 'utf8'),
);
const T0 = 1_764_900_000_000;
const call = {
  tenant: 'acme',
  callId: 'c-1',
  customerRef: 'cr_1',
  agentId: 'a',
  queue: 'q',
  startedAtMs: T0,
};
const sad = (windowIndex: number, startMs = windowIndex * 1000) => ({
  tenant: 'acme',
  callId: 'c-1',
  channel: 'customer',
  windowIndex,
  startMs,
  state: 'sad',
  producedAtMs: T0 + windowIndex * 1000,
  arrivalMs: T0 + windowIndex * 1000,
});

describe('routing engine, windows far ahead', () => {
  it('refuses a window an hour ahead a second later, and the call still gets its distress hint', () => {
    const engine = createRoutingEngine(RULES, {
      windowJump: (prev, next) => windowJumpProblem(prev, next, T0),
    });
    engine.start(call, null);
    for (let i = 0; i < 3; i++) expect(engine.emotion(sad(i))).toBeNull();
    expect(() => engine.emotion({ ...sad(3600, 3_600_000), arrivalMs: T0 + 3000 })).toThrow(WindowJumpError);
    const hints = [];
    for (let i = 3; i < 30; i++) {
      const hint = engine.emotion(sad(i));
      if (hint) hints.push(hint);
    }
    expect(hints.map((h) => h.suggested)).toEqual(['callback']);
  });

  it('judges a window by its start, whatever its index: a lower index an hour ahead is refused too', () => {
    const engine = createRoutingEngine(RULES, {
      windowJump: (prev, next) => windowJumpProblem(prev, next, T0),
    });
    engine.start(call, null);
    for (const i of [0, 1, 2, 5]) engine.emotion(sad(i));
    expect(() => engine.emotion({ ...sad(3, 3_600_000), arrivalMs: T0 + 6000 })).toThrow(WindowJumpError);
  });

  it('judges a late window against nothing: only a window later than the latest can jump', () => {
    const engine = createRoutingEngine(RULES, {
      windowJump: (prev, next) => windowJumpProblem(prev, next, T0),
    });
    engine.start(call, null);
    for (const i of [0, 1, 5, 2, 3, 4]) expect(() => engine.emotion(sad(i))).not.toThrow();
  });
});
