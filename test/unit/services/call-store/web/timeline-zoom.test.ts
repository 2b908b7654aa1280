import { describe, expect, it } from 'vitest';
import { MIN_SPAN_S, stepChanges, stepRange } from '../../../../../services/call-store/web/timeline-zoom.ts';

const whole = { min: 0, max: 240 };

describe('timeline zoom steps (keyboard zoom of the QA timeline)', () => {
  it('zooms in around the centre by halves, down to two windows', () => {
    expect(stepRange(whole, 'in', 240)).toEqual({ min: 60, max: 180 });
    let range = whole;
    for (let i = 0; i < 20; i++) range = stepRange(range, 'in', 240);
    expect(range.max - range.min).toBe(MIN_SPAN_S);
    expect((range.min + range.max) / 2).toBeCloseTo(120);
    expect(stepChanges(range, 'in', 240)).toBe(false);
  });

  it('pans by half the span and stops at the call edges', () => {
    const range = { min: 60, max: 180 };
    expect(stepRange(range, 'earlier', 240)).toEqual({ min: 0, max: 120 });
    expect(stepRange({ min: 0, max: 120 }, 'earlier', 240)).toEqual({ min: 0, max: 120 });
    expect(stepChanges({ min: 0, max: 120 }, 'earlier', 240)).toBe(false);
    expect(stepRange(range, 'later', 240)).toEqual({ min: 120, max: 240 });
    expect(stepRange({ min: 200, max: 240 }, 'later', 240)).toEqual({ min: 200, max: 240 });
  });

  it('zooms out inside the call and back to the whole call', () => {
    expect(stepRange({ min: 200, max: 240 }, 'out', 240)).toEqual({ min: 160, max: 240 });
    expect(stepRange({ min: 60, max: 180 }, 'out', 240)).toEqual(whole);
    expect(stepRange({ min: 10, max: 30 }, 'all', 240)).toEqual(whole);
    expect(stepChanges(whole, 'out', 240)).toBe(false);
    expect(stepChanges(whole, 'all', 240)).toBe(false);
  });

  it('never widens a range a mouse zoom made narrower than two windows', () => {
    expect(stepRange({ min: 10, max: 10.5 }, 'in', 240)).toEqual({ min: 10, max: 10.5 });
    expect(stepChanges({ min: 10, max: 10.5 }, 'in', 240)).toBe(false);
  });

  it('keeps a call shorter than two windows whole', () => {
    expect(stepRange({ min: 0, max: 0.1 }, 'in', 0.1)).toEqual({ min: 0, max: 0.1 });
    expect(stepChanges({ min: 0, max: 0.1 }, 'in', 0.1)).toBe(false);
  });
});
