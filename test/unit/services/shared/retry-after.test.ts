// Retry-After as a delay (RFC 9110 §10.2.3): seconds or an HTTP-date, nothing else.
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../../services/shared/retry-after.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('reads delay-seconds and IMF-fixdate, past dates as 0, anything else as none', () => {
    expect(retryAfterMs('20', now)).toBe(20_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Sun, 06 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 11:00:00 GMT', now)).toBe(0);
    for (const bad of [null, '', '-5', '1.5', 'soon', '2026-12-06T12:00:30Z'])
      expect(retryAfterMs(bad, now)).toBeNull();
  });
});
