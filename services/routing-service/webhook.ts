// Signed webhook delivery of routing hints: an in-memory queue drained by a few workers, so the
// consumer only enqueues and never waits for the receiver. Each POST carries the hint as JSON and
// `X-VA-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` — the scheme Stripe
// documents for its webhooks (https://docs.stripe.com/webhooks#verify-manually): the timestamp in
// the signed text lets a receiver refuse replays older than its tolerance. During a key rotation
// the header carries one `v1` per key, the new key's first (as Stripe does while a secret is
// rolled), so a receiver still on the previous key accepts every delivery until it switches. Failed deliveries
// (network error, timeout, 408, 429, 5xx) are retried with exponential backoff (at least the
// receiver's Retry-After, up to the longest backoff); after maxAttempts,
// or at once on another 4xx (a request the receiver will never accept), the hint is dead-lettered.
// I/O: HTTP (fetch), timers.
import { retryAfterMs } from '../shared/retry-after.ts';
import { createHmac } from 'node:crypto';
import type { RoutingHint } from '../../pipelines/routing/index.ts';

export const SIGNATURE_HEADER = 'x-va-signature';
export const HINT_ID_HEADER = 'x-va-hint-id';

export interface WebhookOptions {
  url: string;
  /** The receiver's key, then its previous key while a rotation is under way. */
  secrets: readonly string[];
  maxAttempts: number;
  /** First retry after this long; doubled per attempt up to maxBackoffMs, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  /** Hints waiting at most; beyond it new hints are dead-lettered (WEBHOOK_QUEUE_FULL). */
  maxQueue: number;
  concurrency: number;
  onDelivered?: (hint: RoutingHint, attempts: number) => void;
  onRetry?: (hint: RoutingHint, attempt: number, problem: string) => void;
  onDeadLetter: (hint: RoutingHint, code: WebhookFailureCode, problem: string, attempts: number) => void;
  random?: () => number;
}

export type WebhookFailureCode = 'WEBHOOK_FAILED' | 'WEBHOOK_REJECTED' | 'WEBHOOK_QUEUE_FULL';

export interface WebhookSender {
  /** Queues a hint; returns at once. */
  enqueue(hint: RoutingHint): void;
  /** Hints queued or in flight. */
  pending(): number;
  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops taking hints; waits up to `graceMs` for in-flight ones, then aborts and dead-letters the rest. */
  close(graceMs?: number): Promise<void>;
}

/** The `X-VA-Signature` value of a body sent at `timestampS`: one `v1` per key, in order. */
export function signature(secrets: readonly string[], timestampS: number, body: string): string {
  const macs = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`,
  );
  return [`t=${timestampS}`, ...macs].join(',');
}

/** The JSON a receiver gets: the hint with the expiry as ISO time too. */
export function webhookBody(hint: RoutingHint): string {
  return JSON.stringify({ ...hint, expiresAt: new Date(hint.expiresAtMs).toISOString() });
}

class Attempt {
  readonly hint: RoutingHint;
  readonly body: string;
  attempts = 0;
  /** Dead-lettered by close() while its request was still out: its outcome no longer counts. */
  abandoned = false;
  constructor(hint: RoutingHint) {
    this.hint = hint;
    this.body = webhookBody(hint);
  }
}

export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const random = options.random ?? Math.random;
  const queue: Attempt[] = [];
  /** Hints waiting for their next attempt, by their timer. */
  const retries = new Map<NodeJS.Timeout, Attempt>();
  let inFlight = 0;
  /** Requests out now, to abort the ones close() gives up on. */
  const requests = new Map<Attempt, AbortController>();
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (queue.length + inFlight + retries.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  async function post(
    item: Attempt,
  ): Promise<{ ok: true } | { ok: false; retry: boolean; problem: string; waitMs?: number | null }> {
    const timestampS = Math.floor(Date.now() / 1000);
    const stop = new AbortController();
    requests.set(item, stop);
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signature(options.secrets, timestampS, item.body),
          [HINT_ID_HEADER]: item.hint.hintId,
        },
        body: item.body,
        signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), stop.signal]),
        // Not followed (a redirect would carry the signed hint elsewhere) and not retried: the
        // URL is wrong until the operator fixes it. With 'error' it read as a network error.
        redirect: 'manual',
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      if (response.status >= 300 && response.status < 400) {
        const problem = `HTTP ${response.status} redirect (not followed: set the webhook URL, ROUTING_WEBHOOK_URL or the tenant's in ROUTING_TENANT_WEBHOOKS, to the final address)`;
        return { ok: false, retry: false, problem };
      }
      const retry = response.status === 408 || response.status === 429 || response.status >= 500;
      // A receiver shedding load says when to come back (429, 503): all five attempts were spent
      // within seconds of a `Retry-After: 20`.
      const waitMs = retryAfterMs(response.headers.get('retry-after'), Date.now());
      return { ok: false, retry, problem: `HTTP ${response.status}`, waitMs };
    } catch (error) {
      const name = (error as Error).name;
      return { ok: false, retry: true, problem: name === 'TimeoutError' ? 'timeout' : 'network error' };
    } finally {
      requests.delete(item);
    }
  }

  function pump(): void {
    while (inFlight < options.concurrency && queue.length > 0) {
      const item = queue.shift() as Attempt;
      inFlight++;
      void deliver(item).finally(() => {
        inFlight--;
        pump();
        settleIdle();
      });
    }
  }

  async function deliver(item: Attempt): Promise<void> {
    item.attempts++;
    const result = await post(item);
    if (item.abandoned) return;
    if (result.ok) {
      options.onDelivered?.(item.hint, item.attempts);
      return;
    }
    if (!result.retry) {
      options.onDeadLetter(item.hint, 'WEBHOOK_REJECTED', result.problem, item.attempts);
      return;
    }
    if (item.attempts >= options.maxAttempts || closed) {
      options.onDeadLetter(item.hint, 'WEBHOOK_FAILED', result.problem, item.attempts);
      return;
    }
    options.onRetry?.(item.hint, item.attempts, result.problem);
    // Exponential backoff with "equal jitter": half fixed, half random, so retries spread out.
    const base = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (item.attempts - 1));
    // At least the receiver's Retry-After, within the longest backoff.
    const delay = Math.max(
      base / 2 + (random() * base) / 2,
      Math.min(result.waitMs ?? 0, options.maxBackoffMs),
    );
    const timer = setTimeout(() => {
      retries.delete(timer);
      queue.push(item);
      pump();
    }, delay);
    timer.unref();
    retries.set(timer, item);
  }

  return {
    enqueue(hint) {
      if (closed || queue.length + retries.size >= options.maxQueue) {
        options.onDeadLetter(hint, 'WEBHOOK_QUEUE_FULL', 'delivery queue full', 0);
        return;
      }
      queue.push(new Attempt(hint));
      pump();
    },
    pending: () => queue.length + inFlight + retries.size,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    async close(graceMs = 2_000) {
      closed = true;
      for (const timer of retries.keys()) clearTimeout(timer);
      // Retries that were waiting will not happen: dead-lettered, never silently dropped.
      const abandoned = [...queue.splice(0), ...retries.values()];
      retries.clear();
      for (const item of abandoned)
        options.onDeadLetter(item.hint, 'WEBHOOK_FAILED', 'service stopping', item.attempts);
      const drained = new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      // Requests still out after the grace (a receiver slower than it, up to the timeout): given
      // up and dead-lettered too, so a stop never drops a hint without a trace.
      for (const [item, stop] of requests) {
        item.abandoned = true;
        stop.abort();
        options.onDeadLetter(
          item.hint,
          'WEBHOOK_FAILED',
          'service stopping (delivery in flight)',
          item.attempts,
        );
      }
      requests.clear();
    },
  };
}
