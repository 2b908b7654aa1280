// The gateway with TLS configured (TLS_CERT_FILE / TLS_KEY_FILE): a client trusting the test
// certificate streams a call; a plaintext client cannot. Real gRPC over loopback, real broker.
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { deleteTopics, startTestGateway } from './helpers.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const TOKEN = 'tls-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startTestGateway(topics, {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TLS_CERT_FILE: join(fixtures, 'test-tls.crt'),
    TLS_KEY_FILE: join(fixtures, 'test-tls.key'),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await deleteTopics(testKafka(), Object.values(topics));
});

describe('ingest gateway over TLS', () => {
  it('accepts a call from a client that trusts its certificate, not from a plaintext one', async () => {
    const secure = createIngestClient(`localhost:${gateway.grpc.port}`, {
      rootCert: readFileSync(join(fixtures, 'test-tls.crt')),
    });
    const stream = openCallStream(secure, TOKEN);
    await stream.write({
      start: {
        agentId: 'agent-1',
        codec: 'CODEC_PCMU',
        sampleRateHz: 8000,
        consent: { analytics: true, storeFeatures: false },
      },
    });
    await stream.write({
      frame: { channel: 'CHANNEL_AGENT', sequence: 0, audioTimeMs: 0, payload: new Uint8Array(160) },
    });
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    secure.close();
    expect(result.code).toBe(grpc.status.OK);
    expect(result.acks.at(-1)).toMatchObject({ state: 'CALL_STATE_ENDED', framesAccepted: 1 });
    expect(result.acks[0].callId).toMatch(/^[0-9a-f-]{36}$/);

    const plain = createIngestClient(`127.0.0.1:${gateway.grpc.port}`);
    const refused = openCallStream(plain, TOKEN);
    await refused.write({ start: { agentId: 'agent-1', codec: 'CODEC_PCMU', sampleRateHz: 8000 } });
    const outcome = await refused.finish();
    plain.close();
    expect(outcome.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses to start with only one of the TLS files', async () => {
    await expect(
      startTestGateway(topics, {
        TENANT_TOKENS: `acme=${TOKEN}`,
        TLS_CERT_FILE: join(fixtures, 'test-tls.crt'),
      }),
    ).rejects.toThrow(/TLS_CERT_FILE, TLS_KEY_FILE: set both/);
  });
});
