// The routing-service on a real broker with a real local webhook receiver: a call start with a
// customer history gives a start hint and a sustained-frustration alert a live one, both on
// va.routing.v1 (keyed `${tenant}/${callId}`) and at the webhook with a valid HMAC signature; a
// webhook that keeps failing dead-letters each hint after N attempts while the hints of other
// calls keep flowing to the topic; with one receiver per tenant, each gets its own tenant's hints
// only, signed with its own key.
import { pseudonymOf } from '../../support/pseudonym.ts';
import type { Producer } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CustomerHistory } from '../../../pipelines/routing/index.ts';
import { routingHintCodec } from '../../../services/routing-service/routing-records.ts';
import { startRoutingService } from '../../../services/routing-service/routing-service.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { alertEventCodec, callEventCodec, deadLetterCodec } from '../../../services/shared/records.ts';
import { callStarted, emotionOut, emotionRecord } from '../../../devkit/records/alert-records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { receiver, signatureValid } from './webhook-receiver.ts';
import { routingTestConfig } from './routing-env.ts';

const [RETURNING, NEW_CUSTOMER] = [pseudonymOf('returning'), pseudonymOf('new')];

const SECRET = 'routing-webhook-test-secret-0123456789';

async function setup(
  webhookUrl: string,
  extraEnv: Record<string, string>,
  history?: (ref: string) => CustomerHistory | null,
) {
  const kafka = testKafka();
  const p = uniqueName('r');
  const { topics, config } = await routingTestConfig(kafka, p, {
    ROUTING_WEBHOOK_URL: webhookUrl,
    ROUTING_WEBHOOK_SECRET: SECRET,
    ...extraEnv,
  });
  const start = async () => {
    const started = await startRoutingService(config, {
      handleSignals: false,
      fromBeginning: true,
      logger: createLogger({ service: 'routing-service', level: 'error' }),
      history: history ? { lookup: async (_tenant, ref) => history(ref) } : undefined,
    });
    onTestFinished(() => started.stop('test finished'));
    return started;
  };
  const service = await start();
  const producer = kafka.producer();
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  // Read what the service produced: hints and dead letters, with the time each arrived.
  const seen = {
    hints: [] as { at: number; key: string; value: ReturnType<typeof routingHintCodec.decode> }[],
    dead: [] as { at: number; value: ReturnType<typeof deadLetterCodec.decode> }[],
  };
  const consumer = kafka.consumer({ groupId: `${p}.reader`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.routing, topics.dl], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topics.routing)
        seen.hints.push({
          at: Date.now(),
          key: String(message.key),
          value: routingHintCodec.decode(message.value as Buffer, message.headers as never),
        });
      else
        seen.dead.push({
          at: Date.now(),
          value: deadLetterCodec.decode(message.value as Buffer, message.headers as never),
        });
    },
  });
  onTestFinished(() => consumer.disconnect());
  return { topics, producer, seen, service, start };
}

function frustrationAlert(topic: string, callId: string, tenant = 'demo') {
  const now = Date.now();
  return outRecord(topic, alertEventCodec, `${tenant}/${callId}`, {
    eventId: `${tenant}/${callId}:customer:20:customer-frustration`,
    alertId: `${tenant}/${callId}:customer:20:customer-frustration`,
    callId,
    ruleId: 'customer-frustration',
    severity: 'critical',
    audience: ['agent', 'supervisor'],
    message: 'Customer frustrated for 7 s: pitch +3.4 st over baseline',
    evidence: ['pitch +3.4 st over baseline'],
    state: 'fired',
    channel: 'customer',
    windowIndex: 20,
    audioMs: 20_000,
    firedAtMs: now,
    updatedAtMs: now,
    producedAtMs: now,
    audioCompletedAtMs: now,
    tenant,
    agentId: 'agent-1',
    team: 'billing',
  });
}

async function produce(producer: Producer, ...records: ReturnType<typeof outRecord>[]) {
  await sendRecords(producer, records);
}

describe('routing-service', () => {
  it('publishes a start hint from history and a live hint on sustained frustration, to the topic and the signed webhook', async () => {
    const hook = await receiver(() => ({ status: 204 }));
    const looked: string[] = [];
    const { topics, producer, seen } = await setup(hook.url, {}, (ref) => {
      looked.push(ref);
      return ref === RETURNING
        ? { callsInWindow: 2, windowDays: 7, lastEndState: 'angry', escalations: 0 }
        : null;
    });
    // Call c is the same returning customer, without analytics consent: no lookup, no hint.
    const noConsent = callEventCodec.decode(
      callStarted(topics.calls, 'call-c', 'agent-1', 'billing', 'billing', RETURNING).message.value as Buffer,
    );
    await produce(
      producer,
      outRecord(topics.calls, callEventCodec, 'demo/call-c', {
        ...noConsent,
        consent: { analytics: false, storeFeatures: false },
      }),
      callStarted(topics.calls, 'call-a', 'agent-1', 'billing', 'billing', RETURNING),
      callStarted(topics.calls, 'call-b', 'agent-1', 'billing', 'billing', NEW_CUSTOMER),
    );
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(1);
    await produce(
      producer,
      frustrationAlert(topics.alerts, 'call-a'),
      frustrationAlert(topics.alerts, 'call-b'),
    );
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(3);
    const byId = Object.fromEntries(seen.hints.map((h) => [h.value.hintId, h]));
    expect(byId['demo/call-a:routing:call-start:last-call-ended-angry:start']).toMatchObject({
      key: 'demo/call-a',
      value: {
        trigger: 'call-start',
        suggested: 'senior',
        risk: 0.65,
        customerRef: RETURNING,
        reasons: ['Last call ended angry', '2 earlier calls in 7 days'],
      },
    });
    // Call a already holds 0.65: frustration lifts it to 1 − 0.35 × 0.3 = 0.895.
    expect(byId['demo/call-a:routing:live:frustration-sustained:a20'].value).toMatchObject({
      trigger: 'live',
      risk: 0.895,
      suggested: 'senior',
    });
    expect(byId['demo/call-b:routing:live:frustration-sustained:a20'].value).toMatchObject({
      risk: 0.7,
      customerRef: NEW_CUSTOMER,
    });
    for (const hint of seen.hints) expect(hint.value.expiresAtMs).toBeGreaterThan(Date.now());
    expect(seen.hints.some((h) => h.value.callId === 'call-c')).toBe(false);
    expect(looked.sort()).toEqual([NEW_CUSTOMER, RETURNING].sort());

    await expect.poll(() => hook.requests.length, { timeout: 10_000 }).toBe(3);
    for (const request of hook.requests) {
      expect(signatureValid(request.headers, request.body, SECRET)).toBe(true);
      const body = JSON.parse(request.body);
      expect(request.headers['x-va-hint-id']).toBe(body.hintId);
      expect(byId[body.hintId]).toBeDefined();
      expect(body.expiresAt).toBe(new Date(body.expiresAtMs).toISOString());
    }
    // A tampered body fails the check a router makes.
    expect(
      signatureValid(hook.requests[0].headers, hook.requests[0].body.replace('senior', 'none'), SECRET),
    ).toBe(false);
    expect(seen.dead).toEqual([]);
  });

  it('dead-letters a record whose key names another tenant or call than its body, and hints nothing of it', async () => {
    const hook = await receiver(() => ({ status: 204 }));
    const { topics, producer, seen } = await setup(hook.url, {}, () => null);
    const start = callStarted(topics.calls, 'call-k', 'agent-1', 'billing', 'billing', NEW_CUSTOMER);
    const alert = frustrationAlert(topics.alerts, 'call-k');
    await produce(
      producer,
      { ...start, message: { ...start.message, key: 'evil/call-k' } },
      { ...alert, message: { ...alert.message, key: 'evil/call-k' } },
    );
    await expect.poll(() => seen.dead.length, { timeout: 30_000 }).toBe(2);
    for (const { value } of seen.dead) expect(value.message).toContain('record key is not the record call');
    expect(seen.hints).toEqual([]);
  });

  it('rebuilds a call after a restart: no reason hinted twice under a new id, the customer kept', async () => {
    const hook = await receiver(() => ({ status: 204 }));
    const { topics, producer, seen, service, start } = await setup(hook.url, {});
    const sad = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) =>
        emotionOut(topics.emotions, emotionRecord('call-r', 'customer', from + k, 'sad')),
      );
    await produce(
      producer,
      callStarted(topics.calls, 'call-r', 'agent-7', 'billing', 'billing', pseudonymOf('42')),
      ...sad(0, 10),
    );
    await expect
      .poll(() => seen.hints.map((h) => h.value.hintId), { timeout: 30_000 })
      .toEqual(['demo/call-r:routing:live:distress-dominant:w9']);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // one commit interval
    await service.stop('restart');
    await start();
    await produce(producer, ...sad(10, 25));
    // The topics replay side by side: the alert comes once the emotions are read again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await produce(producer, frustrationAlert(topics.alerts, 'call-r'));
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // nothing else follows
    expect(seen.hints.map((h) => h.value.hintId)).toEqual([
      'demo/call-r:routing:live:distress-dominant:w9',
      'demo/call-r:routing:live:frustration-sustained:a20',
    ]);
    // The successor knows who the call is and what it had already found (0.4 with 0.7: 0.82).
    expect(seen.hints[1].value).toMatchObject({
      customerRef: pseudonymOf('42'),
      agentId: 'agent-7',
      queue: 'billing',
      risk: 0.82,
    });
  });

  it('dead-letters a hint after N failed deliveries without holding up the hints of other calls', async () => {
    const hook = await receiver(() => ({ status: 503, delayMs: 300 }));
    const { topics, producer, seen } = await setup(hook.url, {
      ROUTING_WEBHOOK_MAX_ATTEMPTS: '3',
      ROUTING_WEBHOOK_BACKOFF_MS: '200',
      ROUTING_WEBHOOK_CONCURRENCY: '1',
    });
    await produce(producer, frustrationAlert(topics.alerts, 'call-1'));
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(1);
    // Call 1's delivery is failing and retrying right now; call 2's hint must not wait for it.
    const sentAt = Date.now();
    await produce(
      producer,
      frustrationAlert(topics.alerts, 'call-2'),
      frustrationAlert(topics.alerts, 'call-3'),
    );
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(3);
    const flowed = Math.max(...seen.hints.slice(1).map((h) => h.at)) - sentAt;
    await expect.poll(() => seen.dead.length, { timeout: 30_000 }).toBe(3);
    const firstDead = Math.min(...seen.dead.map((d) => d.at));
    // The other calls' hints were on the topic before even the first delivery gave up.
    expect(Math.max(...seen.hints.map((h) => h.at))).toBeLessThan(firstDead);
    expect(flowed).toBeLessThan(5_000);
    for (const dead of seen.dead) {
      expect(dead.value).toMatchObject({
        reasonCode: 'WEBHOOK_FAILED',
        topic: topics.routing,
        service: 'routing-service',
        originalSchema: 'va.events.v1.RoutingHint',
      });
      expect(dead.value.message).toMatch(
        /^hint demo\/call-\d:routing:live:frustration-sustained:a20: HTTP 503 after 3 attempt\(s\)$/,
      );
    }
    // Exactly N attempts per hint, each signed.
    const attempts = new Map<string, number>();
    for (const r of hook.requests)
      attempts.set(
        String(r.headers['x-va-hint-id']),
        (attempts.get(String(r.headers['x-va-hint-id'])) ?? 0) + 1,
      );
    expect([...attempts.values()]).toEqual([3, 3, 3]);
    expect(hook.requests.every((r) => signatureValid(r.headers, r.body, SECRET))).toBe(true);
  });

  it("sends each tenant's hints to that tenant's receiver only, signed with its key", async () => {
    const demoHook = await receiver(() => ({ status: 204 }));
    const acmeHook = await receiver(() => ({ status: 204 }));
    const keys = {
      demo: 'routing-webhook-demo-key-0123456789abcdef',
      acme: 'routing-webhook-acme-key-fedcba9876543210',
    };
    // acme's key is being rotated: its router may still verify with the previous one.
    const acmePrevious = 'routing-webhook-acme-old-key-00112233445566';
    const { topics, producer, seen } = await setup('', {
      ROUTING_WEBHOOK_SECRET: '', // the per-tenant entries hold the keys
      ROUTING_TENANT_WEBHOOKS: JSON.stringify({
        demo: { url: demoHook.url, secret: keys.demo },
        acme: { url: acmeHook.url, secret: keys.acme, previousSecret: acmePrevious },
      }),
    });
    // globex has no receiver: its hint is on the topic only.
    await produce(
      producer,
      frustrationAlert(topics.alerts, 'call-1', 'demo'),
      frustrationAlert(topics.alerts, 'call-1', 'acme'),
      frustrationAlert(topics.alerts, 'call-1', 'globex'),
    );
    await expect.poll(() => seen.hints.length, { timeout: 30_000 }).toBe(3);
    await expect.poll(() => demoHook.requests.length + acmeHook.requests.length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // nothing else follows
    for (const [tenant, hook] of [
      ['demo', demoHook],
      ['acme', acmeHook],
    ] as const) {
      expect(hook.requests.map((r) => JSON.parse(r.body).tenant)).toEqual([tenant]);
      expect(signatureValid(hook.requests[0].headers, hook.requests[0].body, keys[tenant])).toBe(true);
    }
    // Signed with both of acme's keys (the new one first), with no other tenant's.
    const [acme] = acmeHook.requests;
    expect(signatureValid(acme.headers, acme.body, acmePrevious)).toBe(true);
    expect(signatureValid(acme.headers, acme.body, keys.demo)).toBe(false);
    expect(String(acme.headers['x-va-signature']).split(',v1=')).toHaveLength(3);
    expect(String(demoHook.requests[0].headers['x-va-signature']).split(',v1=')).toHaveLength(2);
    expect(seen.dead).toEqual([]);
  });
});
