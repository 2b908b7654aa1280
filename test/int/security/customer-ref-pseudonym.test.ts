// A call's customer reference (a phone number here) never reaches Kafka in clear: the gateway
// replaces it by the tenant's keyed pseudonym, the same on every call of that customer, another
// for another tenant. Real gRPC, the real gateway, the real broker; the records' raw bytes are read.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { callEventCodec } from '../../../services/shared/records.ts';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { collectUntil, gatewayForFile } from '../ingest/helpers.ts';
import { muLawFrame } from './ingest-fixture.ts';

const TOKENS = { acme: 'acme-token-0123456789', beta: 'beta-token-0123456789' };
const KEYS = { acme: 'acme-customer-ref-key-0123456789', beta: 'beta-customer-ref-key-0123456789' };
const PHONE = '+44 7700 900123';
const audioTopic = uniqueName('test.audio');
const callsTopic = uniqueName('test.calls');
const kafka = testKafka();

/** The least a call needs to carry a customer reference: CallStart, ten 20 ms customer frames, CallEnd. */
async function streamCustomerFrames(tenant: 'acme' | 'beta', callId: string): Promise<void> {
  const stream = openCallStream(suite.client, TOKENS[tenant]);
  await stream.write({
    start: {
      callId,
      agentId: 'agent-7',
      customerRef: PHONE,
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      consent: { analytics: true, storeFeatures: true },
    },
  });
  for (let seq = 0; seq < 10; seq += 1) await stream.write(muLawFrame('CHANNEL_CUSTOMER', seq, 0x7f));
  await stream.write({ end: { reason: 'hangup' } });
  expect((await stream.finish()).code).toBe(grpc.status.OK);
}

const suite = gatewayForFile(
  { audio: audioTopic, calls: callsTopic },
  {
    TENANT_TOKENS: `acme=${TOKENS.acme},beta=${TOKENS.beta}`,
    CUSTOMER_REF_KEYS: `acme=${KEYS.acme},beta=${KEYS.beta}`,
    TOPIC_PARTITIONS: '1',
    BATCH_MAX_DELAY_MS: '20',
  },
);

describe('customer reference pseudonyms', () => {
  it('never put the reference on a topic; one pseudonym per customer and tenant', async () => {
    const calls = { first: uniqueName('call'), second: uniqueName('call'), other: uniqueName('call') };
    await streamCustomerFrames('acme', calls.first);
    await streamCustomerFrames('acme', calls.second);
    await streamCustomerFrames('beta', calls.other);

    const records = await collectUntil(
      kafka,
      callsTopic,
      (m) => ({ raw: Buffer.from(m.value ?? []), event: callEventCodec.decode(m.value, m.headers) }),
      (all) => all.filter((r) => r.event.type === 'ended').length === 3,
    );
    const audio = await collectUntil(
      kafka,
      audioTopic,
      (m) => Buffer.from(m.value ?? []),
      (all) => all.length > 0,
    );
    for (const bytes of [...records.map((r) => r.raw), ...audio]) {
      expect(bytes.includes(Buffer.from(PHONE))).toBe(false);
      expect(bytes.includes(Buffer.from('7700900123'))).toBe(false);
    }
    const refOf = (callId: string): string =>
      records.find((r) => r.event.callId === callId && r.event.type === 'started')?.event.customerRef ?? '';
    expect(refOf(calls.first)).toBe(pseudonymiseCustomerRef(KEYS.acme, 'acme', PHONE));
    expect(refOf(calls.first)).toMatch(/^cref1_[\w-]{43}$/);
    expect(refOf(calls.second)).toBe(refOf(calls.first));
    expect(refOf(calls.other)).not.toBe(refOf(calls.first));
    expect(refOf(calls.other)).toBe(pseudonymiseCustomerRef(KEYS.beta, 'beta', PHONE));
  });
});
