// The call-start history lookup is bounded: a slow or failing source costs the call its start hint,
// never time; a call without a customer reference is not looked up at all.
import { describe, expect, it } from 'vitest';
import {
  historyWithin,
  noHistory,
  type HistorySource,
} from '../../../services/routing-service/history-source.ts';

const summary = { callsInWindow: 2, windowDays: 7, lastEndState: 'angry' as const, escalations: 1 };

describe('history lookup at call start', () => {
  it('answers within the budget, and "none" from the default source', async () => {
    const fast: HistorySource = { lookup: async () => summary };
    expect(await historyWithin(fast, 'acme', 'cref1_x', 100)).toEqual({ history: summary, outcome: 'found' });
    expect(await historyWithin(noHistory, 'acme', 'cref1_x', 100)).toEqual({
      history: null,
      outcome: 'none',
    });
  });

  it('gives up on a slow source at the timeout and aborts it', async () => {
    let aborted = false;
    const slow: HistorySource = {
      lookup: (_t, _r, signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => (aborted = true));
          setTimeout(() => resolve(summary), 5_000).unref();
        }),
    };
    const started = performance.now();
    expect(await historyWithin(slow, 'acme', 'cref1_x', 50)).toEqual({ history: null, outcome: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });

  it('treats a failing source as no history and skips calls without a reference', async () => {
    let asked = 0;
    const failing: HistorySource = {
      lookup: async () => {
        asked++;
        throw new Error('database down');
      },
    };
    expect(await historyWithin(failing, 'acme', 'cref1_x', 50)).toEqual({ history: null, outcome: 'error' });
    expect(await historyWithin(failing, 'acme', '', 50)).toEqual({ history: null, outcome: 'none' });
    expect(asked).toBe(1);
  });
});
