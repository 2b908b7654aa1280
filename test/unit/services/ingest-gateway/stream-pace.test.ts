// The per-call real-time limit at its edges — audio up to maxSpeed × the
// call's age plus the burst passes, a millisecond more ends the call; channels count apart; 0 is
// no limit.
import { describe, expect, it } from 'vitest';
import {
  createStreamPace,
  paceClockStart,
  PACE_CLOCK_BACKDATE_MS,
} from '../../../../services/ingest-gateway/stream-pace.ts';
import { thrownCode as code } from '../../../support/thrown.ts';

describe('stream pace', () => {
  it('allows maxSpeed × age + burst on each channel, and not a millisecond more', () => {
    const pace = createStreamPace({ maxSpeed: 2, burstMs: 5_000 }, 1_000);
    pace.add('agent', 24_000);
    // Age 10 s: 2 × 10 s + 5 s = 25 s allowed.
    expect(code(() => pace.check('agent', 1_000, 11_000))).toBe('accepted');
    expect(code(() => pace.check('agent', 1_001, 11_000))).toBe('FASTER_THAN_REAL_TIME');
    expect(code(() => pace.check('customer', 25_000, 11_000))).toBe('accepted');
  });

  it('is lifted by maxSpeed 0', () => {
    const pace = createStreamPace({ maxSpeed: 0, burstMs: 0 }, 0);
    pace.add('agent', 3_600_000);
    expect(code(() => pace.check('agent', 20, 1))).toBe('accepted');
  });

  it("counts from the call's own start when CallStart was read late, at most 30 s back", () => {
    const now = 1_000_000;
    // A CallStart read 12 s after the client began (a broker outage): the 12 s spoken meanwhile
    // queued behind it; 413 ms after it, 5840 ms of audio had ended the call before.
    const late = createStreamPace({ maxSpeed: 2, burstMs: 5_000 }, paceClockStart(now - 12_000, now));
    expect(code(() => late.check('agent', 5_840, now + 413))).toBe('accepted');
    expect(paceClockStart(now - 600_000, now)).toBe(now - PACE_CLOCK_BACKDATE_MS); // an invented past
    expect(paceClockStart(now + 5_000, now)).toBe(now); // a clock ahead buys nothing
  });
});
