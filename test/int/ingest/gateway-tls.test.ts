// The gateway with TLS configured (TLS_CERT_FILE / TLS_KEY_FILE): a client trusting the test
// certificate streams a call; a plaintext client cannot; a renewed certificate written over the
// files (as the kubelet swaps a renewed Secret) is served by gRPC and the WebSocket adapter
// without a restart. Real gRPC and TLS over loopback, real broker.
import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { deleteTopics, startTestGateway } from './helpers.ts';
import { JAMBONZ_SOURCE, L16_GATEWAY_ENV, TOKEN as L16_TOKEN } from './l16ws-fixture.ts';

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
    const result = await oneFrameCall(gateway.grpc.port, 'test-tls.crt', TOKEN);
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

  it('serves a renewed certificate without a restart, on gRPC and on the WebSocket adapter', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'va-tls-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const files = { cert: join(folder, 'tls.crt'), key: join(folder, 'tls.key') };
    copyFileSync(join(fixtures, 'test-tls.crt'), files.cert);
    copyFileSync(join(fixtures, 'test-tls.key'), files.key);
    const renewing = await startTestGateway(
      { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') },
      {
        ...L16_GATEWAY_ENV,
        L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE),
        TLS_CERT_FILE: files.cert,
        TLS_KEY_FILE: files.key,
        TLS_RELOAD_INTERVAL_MS: '100',
      },
    );
    onTestFinished(() => renewing.stop());
    const ports = [renewing.grpc.port, renewing.l16ws!.port];
    const fingerprint = (file: string) =>
      new X509Certificate(readFileSync(join(fixtures, file))).fingerprint256;
    for (const port of ports) expect(await servedFingerprint(port)).toBe(fingerprint('test-tls.crt'));

    // The renewal lands as the kubelet writes it: each file replaced whole (a rename).
    for (const [from, to] of [
      ['test-tls-renewed.key', files.key],
      ['test-tls-renewed.crt', files.cert],
    ]) {
      copyFileSync(join(fixtures, from), `${to}.new`);
      renameSync(`${to}.new`, to);
    }
    for (const port of ports)
      await expect
        .poll(() => servedFingerprint(port), { timeout: 10_000 })
        .toBe(fingerprint('test-tls-renewed.crt'));
    // And a client that trusts only the renewed certificate streams a call.
    const result = await oneFrameCall(renewing.grpc.port, 'test-tls-renewed.crt', L16_TOKEN);
    expect(result.code).toBe(grpc.status.OK);
  });
});

/** A one-frame call over TLS from a client that trusts only the fixture certificate `trusted`. */
async function oneFrameCall(port: number, trusted: string, token: string) {
  const client = createIngestClient(`localhost:${port}`, { rootCert: readFileSync(join(fixtures, trusted)) });
  const stream = openCallStream(client, token);
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
  client.close();
  return result;
}

/** The certificate a TLS listener on this port serves now (SHA-256 fingerprint). */
async function servedFingerprint(port: number): Promise<string> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    rejectUnauthorized: false,
    ALPNProtocols: ['h2', 'http/1.1'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}
