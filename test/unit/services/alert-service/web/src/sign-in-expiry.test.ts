// When a page warns that the sign-in ends (web/src/sign-in-expiry.ts): from 15 minutes before the
// token's exp, with the time and the minutes left; never for a token it cannot read.
import { describe, expect, it } from 'vitest';
import {
  expiryLine,
  expiryOf,
  WARN_BEFORE_MS,
} from '../../../../../../services/alert-service/web/src/sign-in-expiry.ts';

const jwtWith = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('sign-in expiry notice', () => {
  it("reads the token's exp claim, and nothing from a token without one", () => {
    expect(expiryOf(jwtWith({ sub: 'agent-1', exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(expiryOf(jwtWith({ sub: 'agent-1' }))).toBeNull();
    expect(expiryOf('not-a-token')).toBeNull();
    expect(expiryOf('a.%%%.b')).toBeNull();
    expect(expiryOf(null)).toBeNull();
  });

  it('says nothing until 15 minutes before the end, then the minutes left, then that it ended', () => {
    const end = Date.UTC(2026, 11, 7, 17, 0, 0);
    expect(expiryLine(end, end - WARN_BEFORE_MS - 1000)).toBeNull();
    expect(expiryLine(end, end - 14 * 60_000 - 30_000)).toMatch(
      /^Your sign-in ends at .+ \(in 15 min\): sign in again after this call$/,
    );
    expect(expiryLine(end, end - 1)).toMatch(/\(in 1 min\)/);
    expect(expiryLine(end, end + 5000)).toBe('Your sign-in has ended: sign in again');
    expect(expiryLine(null, end)).toBeNull();
  });
});
