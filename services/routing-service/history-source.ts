// Where the call-start rules get the customer's history from: the call store's summary of the
// customer's earlier calls (its internal route, through the shared customer-history client), or
// `noHistory` when ROUTING_HISTORY_URL is unset (then only live hints are made). A lookup is
// bounded in time: a slow source delays no call, it only loses that call's start hint.
// I/O: whatever the source does (HTTP for the call store's).
import { EMOTION_LABELS } from '../../pipelines/emotion/index.ts';
import type { CustomerHistory } from '../../pipelines/routing/index.ts';
import type { HistoryClient } from '../shared/customer-history-client.ts';

/** The store gave no answer (an error status, too many lookups in flight, its own timeout). */
class HistoryUnavailable extends Error {
  readonly outcome: 'error' | 'busy' | 'timeout';
  constructor(outcome: 'error' | 'busy' | 'timeout') {
    super(`history lookup: ${outcome}`);
    this.outcome = outcome;
  }
}

export interface HistorySource {
  /** The summary of a customer's calls before `callId`; null = none (or opted out, or unknown). */
  lookup(
    tenant: string,
    customerRef: string,
    signal: AbortSignal,
    callId?: string,
    /** The start's pseudonym under the previous key, during a key rotation (customer-history-client.ts). */
    previousRef?: string,
  ): Promise<CustomerHistory | null>;
}

export const noHistory: HistorySource = { lookup: async () => null };

const END_STATES: readonly string[] = [...EMOTION_LABELS, 'no-speech', 'uncertain'];

/** The call store's summary as the rules read it; an unknown end state reads as unknown. */
export function callStoreHistory(client: HistoryClient, windowDays: number): HistorySource {
  return {
    async lookup(tenant, customerRef, signal, callId, previousRef) {
      // The store may already hold this call's start: it is not part of its own history.
      const { summary, outcome } = await client.lookup(
        tenant,
        customerRef,
        callId ?? '',
        signal,
        previousRef,
      );
      // No answer is not "no history": counted as the failure it is (a refused token, a store
      // that answers 400 to the window asked, one that is down).
      if (outcome === 'error' || outcome === 'busy' || outcome === 'timeout')
        throw new HistoryUnavailable(outcome);
      if (!summary) return null;
      const state = summary.lastEndState;
      return {
        callsInWindow: summary.recentCalls,
        windowDays,
        lastEndState:
          state !== null && END_STATES.includes(state) ? (state as CustomerHistory['lastEndState']) : null,
        escalations: summary.escalations,
      };
    },
  };
}

/** The source's answer within `timeoutMs`, else null; a failing source counts as no history. */
export async function historyWithin(
  source: HistorySource,
  tenant: string,
  customerRef: string,
  timeoutMs: number,
  callId?: string,
  previousRef?: string,
): Promise<{ history: CustomerHistory | null; outcome: 'found' | 'none' | 'timeout' | 'error' }> {
  if (!customerRef) return { history: null, outcome: 'none' };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const answer = await Promise.race([
      source.lookup(tenant, customerRef, controller.signal, callId, previousRef),
      timeout,
    ]);
    if (answer === 'timeout') return { history: null, outcome: 'timeout' };
    return { history: answer, outcome: answer ? 'found' : 'none' };
  } catch (error) {
    // The client's own timer may fire first (both are ROUTING_HISTORY_TIMEOUT_MS): still a timeout.
    const timedOut = error instanceof HistoryUnavailable && error.outcome === 'timeout';
    return { history: null, outcome: timedOut ? 'timeout' : 'error' };
  } finally {
    clearTimeout(timer);
  }
}
