// The call-start history lookup is bounded: a slow or failing source costs the call its start hint,
// never time; a call without a customer reference is not looked up at all.
import { describe, expect, it } from 'vitest';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import type { HistoryClient } from '../../../../services/shared/customer-history-client.ts';
import {
  callStoreHistory,
  historyWithin,
  noHistory,
  type HistorySource,
} from '../../../../services/routing-service/history-source.ts';

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

describe("the call store's history as the rules read it", () => {
  const storeSaying = (lastEndState: string | null, seen: string[] = []): HistoryClient => ({
    lookup: async (_tenant, _ref, callId) => {
      seen.push(callId);
      const summary = {
        recentCalls: 3,
        windowDays: 30,
        totalCalls: 5,
        lastEndState,
        lastCallAt: null,
        escalations: 2,
        frustrationEpisodes: 1,
        line: '4th call in 30 days',
      };
      return { line: summary.line, summary, outcome: 'line' };
    },
    invalidate: () => undefined,
  });

  it('maps the summary, leaves the starting call out, and reads an unknown end state as unknown', async () => {
    const seen: string[] = [];
    const source = callStoreHistory(storeSaying('angry', seen), 30);
    const signal = new AbortController().signal;
    expect(await source.lookup('acme', 'cref1_x', signal, 'call-9')).toEqual({
      callsInWindow: 3,
      windowDays: 30,
      lastEndState: 'angry',
      escalations: 2,
    });
    expect(seen).toEqual(['call-9']);
    expect(
      (await callStoreHistory(storeSaying('furious'), 30).lookup('acme', 'r', signal))?.lastEndState,
    ).toBe(null);
  });

  it('counts a store that does not answer as an error, not as "no history"', async () => {
    for (const outcome of ['error', 'busy', 'timeout'] as const) {
      const failing: HistoryClient = {
        lookup: async () => ({ line: null, summary: null, outcome }),
        invalidate: () => undefined,
      };
      expect(await historyWithin(callStoreHistory(failing, 30), 'acme', 'cref1_x', 100)).toEqual({
        history: null,
        outcome: outcome === 'timeout' ? 'timeout' : 'error',
      });
    }
    expect(
      await historyWithin(callStoreHistory(storeSaying(null), 30), 'acme', 'cref1_x', 100),
    ).toMatchObject({ outcome: 'found' });
  });

  it('asks the store for no longer a window than it answers (365 days)', () => {
    expect(
      loadRoutingServiceConfig({ KAFKA_BROKERS: 'k:9092', ROUTING_HISTORY_WINDOW_DAYS: '365' })
        .ROUTING_HISTORY_WINDOW_DAYS,
    ).toBe(365);
    expect(() =>
      loadRoutingServiceConfig({ KAFKA_BROKERS: 'k:9092', ROUTING_HISTORY_WINDOW_DAYS: '400' }),
    ).toThrow(/ROUTING_HISTORY_WINDOW_DAYS: must be <= 365/);
  });

  it('refuses a history URL without the token key, naming SERVICE_TOKEN_SECRET', () => {
    expect(() =>
      loadRoutingServiceConfig({ KAFKA_BROKERS: 'k:9092', ROUTING_HISTORY_URL: 'http://call-store:8090' }),
    ).toThrow(/SERVICE_TOKEN_SECRET: required with ROUTING_HISTORY_URL/);
  });

  it('keeps the page-token key out of the routing service in production', () => {
    const production = {
      KAFKA_BROKERS: 'k:9092',
      VA_MODE: 'production',
      ROUTING_HISTORY_URL: 'https://call-store:8090',
    };
    const pageKey = 'p'.repeat(8) + 'Zq4mT8vL2xR7nB3kW9cY6hJ1';
    const serviceKey = 's'.repeat(8) + 'Hk3nQ7wE1rT9yU5iO2pA8sD4';
    // JWT_SECRET alone: refused (outside production it would do).
    expect(() => loadRoutingServiceConfig({ ...production, JWT_SECRET: pageKey })).toThrow(
      /JWT_SECRET: not for the routing service in production/,
    );
    expect(loadRoutingServiceConfig({ ...production, SERVICE_TOKEN_SECRET: serviceKey }).serviceKey).toBe(
      serviceKey,
    );
    expect(
      loadRoutingServiceConfig({
        KAFKA_BROKERS: 'k:9092',
        ROUTING_HISTORY_URL: 'http://c:8090',
        JWT_SECRET: pageKey,
      }).serviceKey,
    ).toBe(pageKey);
  });
});
