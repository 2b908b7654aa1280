// The webhook sender against a real HTTP receiver: a redirect or a 4xx is the operator's to fix,
// so it is dead-lettered WEBHOOK_REJECTED after one attempt, never retried as a network error; a
// stop dead-letters what is queued and, after its grace, what is still in flight.
import { describe, expect, it } from 'vitest';
import { createWebhookSender, type WebhookOptions } from '../../../services/routing-service/webhook.ts';
import { receiver } from './webhook-receiver.ts';
import { sampleHint } from './sample-hint.ts';

const hint = sampleHint();

/** A sender to `url` with short retries; `options` override the rest. */
const senderTo = (url: string, options: Partial<WebhookOptions> & Pick<WebhookOptions, 'onDeadLetter'>) =>
  createWebhookSender({
    url,
    secrets: ['x'.repeat(32)],
    maxAttempts: 3,
    backoffMs: 10,
    maxBackoffMs: 20,
    timeoutMs: 2_000,
    maxQueue: 10,
    concurrency: 1,
    ...options,
  });

async function deliverOnce(status: number) {
  const hook = await receiver(() => ({ status }));
  const dead: { code: string; problem: string; attempts: number }[] = [];
  const sender = senderTo(hook.url, {
    onDeadLetter: (_hint, code, problem, attempts) => dead.push({ code, problem, attempts }),
  });
  sender.enqueue(hint);
  await sender.idle();
  await sender.close();
  return { dead, requests: hook.requests.length };
}

describe('routing webhook refusals', () => {
  it('dead-letters a redirect after one attempt, naming it', async () => {
    for (const status of [301, 302, 307, 308]) {
      const { dead, requests } = await deliverOnce(status);
      expect(requests).toBe(1);
      expect(dead).toEqual([
        {
          code: 'WEBHOOK_REJECTED',
          problem: `HTTP ${status} redirect (not followed: set the webhook URL, ROUTING_WEBHOOK_URL or the tenant's in ROUTING_TENANT_WEBHOOKS, to the final address)`,
          attempts: 1,
        },
      ]);
    }
  });

  it('dead-letters a 400 after one attempt and retries a 503 up to the limit', async () => {
    expect((await deliverOnce(400)).dead).toEqual([
      { code: 'WEBHOOK_REJECTED', problem: 'HTTP 400', attempts: 1 },
    ]);
    const failing = await deliverOnce(503);
    expect([failing.requests, failing.dead]).toEqual([
      3,
      [{ code: 'WEBHOOK_FAILED', problem: 'HTTP 503', attempts: 3 }],
    ]);
  });

  it("waits the receiver's Retry-After before the next attempt, within the longest backoff", async () => {
    let answered = 0;
    const hook = await receiver(() =>
      answered++ === 0 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const delivered: number[] = [];
    const sender = senderTo(hook.url, {
      maxBackoffMs: 5_000,
      onDelivered: (_h, attempts) => delivered.push(attempts),
      onDeadLetter: () => undefined,
    });
    sender.enqueue(hint);
    await sender.idle();
    await sender.close();
    expect(delivered).toEqual([2]);
    // The backoff alone is 10 ms: the second attempt came after the 1 s asked for.
    expect(hook.requests[1].at - hook.requests[0].at).toBeGreaterThanOrEqual(950);
  });

  it('dead-letters hints still in flight when a stop gives up on them, and never delivers them after', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 3_000 }));
    const dead: { hintId: string; problem: string }[] = [];
    const delivered: string[] = [];
    const sender = senderTo(hook.url, {
      timeoutMs: 8_000,
      concurrency: 2,
      onDelivered: (h) => delivered.push(h.hintId),
      onDeadLetter: (h, _code, problem) => dead.push({ hintId: h.hintId, problem }),
    });
    for (const n of [1, 2, 3]) sender.enqueue({ ...hint, hintId: `${hint.hintId}-${n}` });
    await expect.poll(() => hook.requests.length).toBe(2);
    await sender.close(200);
    expect(dead).toEqual([
      { hintId: `${hint.hintId}-3`, problem: 'service stopping' },
      { hintId: `${hint.hintId}-1`, problem: 'service stopping (delivery in flight)' },
      { hintId: `${hint.hintId}-2`, problem: 'service stopping (delivery in flight)' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(delivered).toEqual([]);
    expect(sender.pending()).toBe(0);
  });
});
