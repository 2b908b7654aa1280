// The per-call real-time limit at its edges — audio up to maxSpeed × the
// call's age plus the burst passes, a millisecond more ends the call; channels count apart; 0 is
// no limit.
import { describe, expect, it } from 'vitest';
import { createStreamPace } from '../../../../services/ingest-gateway/stream-pace.ts';
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
});
