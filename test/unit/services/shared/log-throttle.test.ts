// The same log line at most once per interval, and the next one says how many were held back.
import { describe, expect, it } from 'vitest';
import { createLogThrottle } from '../../../../services/shared/log-throttle.ts';

describe('log throttle', () => {
  it('admits a key once per interval and counts what it held back', () => {
    let t = 0;
    const throttle = createLogThrottle(10_000, () => t);
    expect(throttle.admit('conn refused')).toBe(0);
    for (let i = 0; i < 49; i++) {
      t += 200;
      expect(throttle.admit('conn refused')).toBeNull();
    }
    expect(throttle.admit('other line')).toBe(0);
    t = 10_000;
    expect(throttle.admit('conn refused')).toBe(49);
    t = 25_000;
    expect(throttle.admit('conn refused')).toBe(0);
  });

  it('holds at most maxKeys keys', () => {
    const throttle = createLogThrottle(10_000, () => 0, 2);
    for (const key of ['a', 'b', 'c']) throttle.admit(key);
    expect(throttle.admit('a')).toBe(0); // forgotten: admitted again
    expect(throttle.admit('c')).toBeNull();
  });
});
