// Rotating a tenant's customer-reference key keeps each customer's history whole and every
// erasure in force. Real gRPC into the real gateway, the real broker, the real call store ingest
// on a real PostgreSQL: a customer calls under key A; the gateway restarts with key B current and
// A previous, and the customer calls again: the B pseudonym's history holds both calls, the A one
// none. A customer erased under A whose rotated call was announced before the erasure stays
// erased, and replaying every start changes nothing.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../services/call-store/store.ts';
import { customerDigest } from '../../../services/call-store/store/erased-customers.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { createServiceMetrics } from '../../../services/shared/metrics.ts';
import { callEventCodec } from '../../../services/shared/records.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { createStoreTopics, storeIngestOn, type StoreTestTopics } from '../../support/store-ingest.ts';
import { collectUntil, deleteTopics, startTestGateway } from '../ingest/helpers.ts';
import { postgresFixture } from '../store/backends.ts';
import { muLawFrame } from './ingest-fixture.ts';

const TOKEN = 'acme-rotation-token-0123456789';
const KEY_A = 'acme-customer-ref-key-A-0123456789';
const KEY_B = 'acme-customer-ref-key-B-9876543210';
const RETURNING = '+44 7700 900201';
const ERASED = '+44 7700 900202';
const acme = { tenant: 'acme', agentId: null, teams: null };
const kafka = testKafka('key-rotation');
const refOf = (key: string, phone: string) => pseudonymiseCustomerRef(key, 'acme', phone);

describe('rotating a customer-reference key', () => {
  const fixture = postgresFixture();
  const audioTopic = uniqueName('rotation.audio');
  let store: CallStore;
  let on: StoreTestTopics;
  const run = uniqueName('rot').replace('.', '-');
  const ids = {
    first: `${run}-first`,
    second: `${run}-second`,
    erasedOld: `${run}-erased-old`,
    erasedNew: `${run}-erased-new`,
    marker: `${run}-marker`,
  };

  beforeAll(async () => {
    await fixture.setup();
    store = await fixture.open();
  });
  afterAll(async () => {
    await fixture.teardown();
    // The store's topics go with the test (createStoreTopics); the gateways made this one.
    await deleteTopics(kafka, [audioTopic]);
  });

  /** A gateway with these keys for one block of calls, stopped after. */
  async function withGateway(keys: string, calls: (gateway: Gateway) => Promise<void>): Promise<void> {
    const gateway = await startTestGateway(
      { audio: audioTopic, calls: on.topics.calls },
      {
        TENANT_TOKENS: `acme=${TOKEN}`,
        CUSTOMER_REF_KEYS: keys,
        TOPIC_PARTITIONS: '1',
        BATCH_MAX_DELAY_MS: '20',
      },
    );
    try {
      await calls(gateway);
    } finally {
      await gateway.stop();
    }
  }

  async function call(gateway: Gateway, callId: string, customerRef: string): Promise<void> {
    const client = createIngestClient(`127.0.0.1:${gateway.grpc.port}`);
    try {
      const stream = openCallStream(client, TOKEN);
      await stream.write({
        start: {
          callId,
          agentId: 'agent-7',
          customerRef,
          codec: 'CODEC_PCMU',
          sampleRateHz: 8000,
          consent: { analytics: true, storeFeatures: true },
        },
      });
      for (let seq = 0; seq < 5; seq += 1) await stream.write(muLawFrame('CHANNEL_CUSTOMER', seq, 0x7f));
      await stream.write({ end: { reason: 'hangup' } });
      expect((await stream.finish()).code).toBe(grpc.status.OK);
    } finally {
      client.close();
    }
  }

  /** Every record of the calls topic so far consumed by a fresh ingest (a replay), until `done`. */
  async function ingestUntil(done: () => Promise<boolean>): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    const metrics = createServiceMetrics('call-store', { defaultMetrics: false });
    const ingest = storeIngestOn(on, { kafka, producer, store, metrics }, 'key-rotation-test');
    await ingest.start();
    try {
      const until = Date.now() + 30_000;
      while (!(await done())) {
        if (Date.now() > until) throw new Error('the store did not ingest the calls in 30 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await ingest.stop();
      await producer.disconnect();
    }
  }

  const stored = async (callId: string): Promise<string | null | undefined> =>
    (
      await store.backend.query<{ customer_ref: string | null }>(
        'SELECT customer_ref FROM calls WHERE tenant = $1 AND call_id = $2',
        ['acme', callId],
      )
    )[0]?.customer_ref;
  const historyOf = async (ref: string): Promise<string[]> => {
    try {
      return (await store.customerCalls(acme, ref)).calls.map((c) => c.callId).sort();
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') return [];
      throw error;
    }
  };

  it('relinks a returning customer, keeps an erased one erased, and survives a replay', async () => {
    const [returningA, returningB] = [refOf(KEY_A, RETURNING), refOf(KEY_B, RETURNING)];
    const [erasedA, erasedB] = [refOf(KEY_A, ERASED), refOf(KEY_B, ERASED)];
    // One partition: the starts are read in the order the gateways announced them.
    on = await createStoreTopics(kafka, 1);

    // Before the rotation: key A alone.
    await withGateway(`acme=${KEY_A}`, async (gateway) => {
      await call(gateway, ids.first, RETURNING);
      await call(gateway, ids.erasedOld, ERASED);
    });
    await ingestUntil(
      async () => (await stored(ids.first)) !== undefined && (await stored(ids.erasedOld)) !== undefined,
    );
    expect(await stored(ids.first)).toBe(returningA);

    // The rotation: B current, A previous. The erased customer's call is announced before their
    // erasure (by its A pseudonym) but reaches the store after it.
    await withGateway(`acme=${KEY_B}\nacme:previous=${KEY_A}`, async (gateway) => {
      await call(gateway, ids.second, RETURNING);
      await call(gateway, ids.erasedNew, ERASED);
    });
    expect((await store.eraseCustomer('acme', erasedA, 'dpo@acme')).calls).toBe(1);

    // The starts on the topic carry both pseudonyms; the references themselves never travel.
    const starts = await collectUntil(
      kafka,
      on.topics.calls,
      (m) => ({ raw: Buffer.from(m.value ?? []), event: callEventCodec.decode(m.value, m.headers) }),
      (all) => all.filter((r) => r.event.type === 'started').length === 4,
    );
    const startOf = (callId: string) =>
      starts.find((r) => r.event.callId === callId && r.event.type === 'started');
    expect(startOf(ids.second)?.event).toMatchObject({
      customerRef: returningB,
      previousCustomerRef: returningA,
    });
    expect(startOf(ids.first)?.event.previousCustomerRef).toBe('');
    for (const { raw } of starts) expect(raw.includes(Buffer.from('7700 9002'))).toBe(false);

    // A fresh ingest reads the whole topic: the first two starts again (a replay), then the rotated ones.
    await ingestUntil(async () => (await stored(ids.second)) !== undefined);
    const expectRotated = async () => {
      expect(await historyOf(returningB)).toEqual([ids.first, ids.second].sort());
      expect(await historyOf(returningA)).toEqual([]);
      expect(
        (await store.historySummary('acme', returningB, { excludeCallId: ids.second, windowDays: 7 }))
          .totalCalls,
      ).toBe(1);
      // Erased: neither the call before the erasure nor the rotated one announced before it.
      expect(await stored(ids.erasedOld)).toBeUndefined();
      expect(await stored(ids.erasedNew)).toBeUndefined();
      expect(await historyOf(erasedB)).toEqual([]);
      const erasedDigests = await store.backend.query<{ customer_digest: string }>(
        'SELECT customer_digest FROM erased_customers WHERE tenant = $1 ORDER BY customer_digest',
        ['acme'],
      );
      expect(erasedDigests.map((r) => r.customer_digest)).toEqual(
        [customerDigest(erasedA), customerDigest(erasedB)].sort(),
      );
      // No table keeps the erased customer's pseudonym under either key.
      const [{ n }] = await store.backend.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM customer_ref_links WHERE current_ref = $1`,
        [erasedB],
      );
      expect(n).toBe(0);
    };
    await expectRotated();

    // A later erasure of the returning customer by their old pseudonym finds the moved calls.
    // (First: a replay of every start, through a third ingest, changes nothing.)
    await withGateway(`acme=${KEY_B}\nacme:previous=${KEY_A}`, (gateway) =>
      call(gateway, ids.marker, '+44 7700 900299'),
    );
    await ingestUntil(async () => (await stored(ids.marker)) !== undefined);
    await expectRotated();
    const [{ calls }] = await store.backend.query<{ calls: number }>(
      'SELECT count(*)::int AS calls FROM calls WHERE tenant = $1 AND call_id = ANY($2::text[])',
      ['acme', [ids.first, ids.second]],
    );
    expect(calls).toBe(2);
    expect((await store.eraseCustomer('acme', returningA, 'dpo@acme')).calls).toBe(2);
    expect(await historyOf(returningB)).toEqual([]);
  });
});
