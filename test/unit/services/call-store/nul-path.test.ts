// The NUL finder and the nesting bound walk any parsed JSON without recursion: a body nested
// 30 000 deep overflowed the stack of the recursive walk (a 500 instead of a 400).
import { describe, expect, it } from 'vitest';
import { nulPath } from '../../../../services/call-store/nul-path.ts';
import { nestedDeeperThan } from '../../../../services/shared/json-depth.ts';

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('nulPath', () => {
  it('names the first NUL in document order, in keys and in values', () => {
    expect(nulPath({ a: 'ok', b: ['x', 'y\u0000'], c: 'z\u0000' }, 'body')).toBe('body.b.1');
    expect(nulPath({ 'k\u0000': 'v' }, 'body')).toBe('body.k\u0000');
    expect(nulPath({ a: [1, null, true], b: { c: 'fine' } }, 'body')).toBeNull();
  });

  it('walks 200 000 levels without overflowing the stack', () => {
    expect(nulPath(nested(200_000, 'a\u0000'), '')).toBe('.0'.repeat(200_000));
    expect(nulPath(nested(200_000, 'a'), '')).toBeNull();
  });
});

describe('nestedDeeperThan', () => {
  it('counts the root as level 1 and scalars as no level', () => {
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestedDeeperThan({ a: [[1]] }, 2)).toBe(true);
    expect(nestedDeeperThan(nested(200_000, 1), 16)).toBe(true);
  });
});
