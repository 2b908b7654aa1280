// A host's wall clock stepped (an NTP correction) under a test: Date.now for the whole process
// moves by `stepMs` from the real clock, reset to 0 before each test and restored after it, while
// performance.now (the monotonic clock) runs on. Call at a test file's top level.
import { afterEach, beforeEach, vi } from 'vitest';

export interface WallClockStep {
  /** How far the wall clock has been stepped from the real one (ms; negative = back). */
  stepMs: number;
}

export function steppableWallClock(): WallClockStep {
  const systemNow = Date.now;
  const clock: WallClockStep = { stepMs: 0 };
  beforeEach(() => {
    clock.stepMs = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => systemNow() + clock.stepMs);
  });
  afterEach(() => vi.restoreAllMocks());
  return clock;
}

/** The real wall clock, whatever step a test has made. */
export const realNow: () => number = Date.now;
