// The service-token key (services/shared/auth/service-key.ts): a key of its own, or the page key.
import { describe, expect, it } from 'vitest';
import { serviceKeyOf } from '../../../../../services/shared/auth/service-key.ts';

const page = 'Zq4mT8vL2xR7nB3kW9cY6hJ1pP0aS5dF';
const own = 'Hk3nQ7wE1rT9yU5iO2pA8sD4fG6hJ0kL';

describe('service token key', () => {
  it('is SERVICE_TOKEN_SECRET when set, else the page key', () => {
    expect(serviceKeyOf(own, page, true)).toEqual({
      value: own,
      variable: 'SERVICE_TOKEN_SECRET',
      problems: [],
    });
    expect(serviceKeyOf(undefined, page, false)).toEqual({
      value: page,
      variable: 'JWT_SECRET',
      problems: [],
    });
    expect(serviceKeyOf('', undefined, false)).toEqual({ value: undefined, variable: null, problems: [] });
  });

  it('refuses a short key, the page key itself, and a published one in production', () => {
    expect(serviceKeyOf('short', page, false).problems).toEqual([
      'SERVICE_TOKEN_SECRET: must be at least 32 characters',
    ]);
    expect(serviceKeyOf(page, page, false).problems).toEqual([
      'SERVICE_TOKEN_SECRET: must differ from JWT_SECRET (the page-token key)',
    ]);
    expect(serviceKeyOf('x'.repeat(40), page, true).problems.join()).toMatch(/SERVICE_TOKEN_SECRET/);
  });
});
