// A client's valid messages are budgeted: a burst of 5 s of its rate, then the rate.
import { describe, expect, it } from 'vitest';
import { createMessageBudget } from '../../../../services/alert-service/message-budget.ts';

describe('message budget', () => {
  it('allows a burst, then the rate, and refills with time', () => {
    const budget = createMessageBudget(2, 5, 0);
    const spent = Array.from({ length: 12 }, () => budget.spend(0));
    expect(spent.filter(Boolean)).toHaveLength(10);
    expect(budget.spend(499)).toBe(false);
    expect(budget.spend(500)).toBe(true);
    expect(budget.spend(500)).toBe(false);
    expect(Array.from({ length: 20 }, () => budget.spend(60_000)).filter(Boolean)).toHaveLength(10);
  });
});
