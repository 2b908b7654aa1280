// Where the call-start rules get the customer's history from: a small interface the call store's
// customer history (issue 18, point 2) will implement. Until it is connected, `noHistory` answers
// "none" for everyone, so only live hints are made. A lookup is bounded in time: a slow source
// delays no call, it only loses that call's start hint. I/O: whatever the source does.
import type { CustomerHistory } from '../../pipelines/routing/index.ts';

export interface HistorySource {
  /** The summary of a customer's earlier calls; null = none (or opted out, or unknown). */
  lookup(tenant: string, customerRef: string, signal: AbortSignal): Promise<CustomerHistory | null>;
}

export const noHistory: HistorySource = { lookup: async () => null };

/** The source's answer within `timeoutMs`, else null; a failing source counts as no history. */
export async function historyWithin(
  source: HistorySource,
  tenant: string,
  customerRef: string,
  timeoutMs: number,
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
    const answer = await Promise.race([source.lookup(tenant, customerRef, controller.signal), timeout]);
    if (answer === 'timeout') return { history: null, outcome: 'timeout' };
    return { history: answer, outcome: answer ? 'found' : 'none' };
  } catch {
    return { history: null, outcome: 'error' };
  } finally {
    clearTimeout(timer);
  }
}
