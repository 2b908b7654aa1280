// The production secret policy refuses typed sequences and repeated patterns that pass the length
// and distinct-character checks, and never a random key (base64url or hex, as the checklist makes).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretProblems } from '../../../../services/shared/secret-policy.ts';

describe('secretProblems', () => {
  it('refuses runs and repeated patterns, naming neither value', () => {
    for (const value of [
      '01234567890123456789012345678901',
      'abcdefghijklmnopqrstuvwxyzabcdef',
      'zyxwvutsrqponmlkjihgfedcbazyxwvu',
      'Qw3rTy7!Zp9KQw3rTy7!Zp9KQw3rTy7!Zp9K',
    ]) {
      const problems = secretProblems('JWT_SECRET', value, 'JWT key');
      expect(problems, value).toEqual([
        'JWT_SECRET: the JWT key is a run or a repeated pattern (0123…, abcd…), not random',
      ]);
    }
  });

  it('accepts random keys', () => {
    for (let i = 0; i < 2000; i++) {
      expect(secretProblems('K', randomBytes(36).toString('base64url'))).toEqual([]);
      expect(secretProblems('K', randomBytes(32).toString('hex'))).toEqual([]);
    }
  });
});
