// The gateway at its limits, over real gRPC and the real broker: backpressure (streams pause
// while Kafka is behind, nothing is lost), a call that goes quiet is ended after the idle timeout,
// a graceful stop flushes a live call, tells the client UNAVAILABLE and lets it resume the call
// on another gateway, and streams waiting for their CallStart are capped per tenant and in all.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../services/ingest-gateway/gateway.ts';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { prepareAudio, runSimulation } from '../../../services/simulator/simulate.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import {
  callEventsUntilEnded,
  collectUntil,
  deleteTopics,
  startTestGateway,
  simulationOptions,
} from './helpers.ts';

const TOKEN = 'limits-token-0123456789';
const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
const gateways: Gateway[] = [];

async function gateway(env: Record<string, string>): Promise<Gateway> {
  const started = await startTestGateway(topics, {
    TENANT_TOKENS: `acme=${TOKEN}`,
    TOPIC_PARTITIONS: '2',
    ...env,
  });
  gateways.push(started);
  return started;
}

const start = (callId: string) => ({
  start: {
    callId,
    agentId: 'agent-1',
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    consent: { analytics: true, storeFeatures: false },
  },
});
const frame = (sequence: number) => ({
  frame: {
    channel: 'CHANNEL_AGENT',
    sequence,
    audioTimeMs: sequence * 20,
    payload: new Uint8Array(160).fill(7),
  },
});

let shared: Gateway;
beforeAll(async () => {
  // MAX_STREAM_SPEED 0: the backpressure test streams as fast as flow control allows.
  shared = await gateway({ BACKPRESSURE_HIGH_BYTES: '1024', IDLE_TIMEOUT_MS: '500', MAX_STREAM_SPEED: '0' });
});

afterAll(async () => {
  for (const started of gateways) await started.stop();
  await deleteTopics(testKafka(), Object.values(topics));
});

describe('ingest gateway limits', () => {
  it('pauses streams while Kafka is behind and loses nothing', async () => {
    const options = simulationOptions(`127.0.0.1:${shared.grpc.port}`, TOKEN, {
      calls: 4,
      seconds: 6,
      speed: 0,
      seed: 3,
    });
    const audio = prepareAudio(options);
    const summary = await runSimulation(options, audio);
    expect(summary.ok).toBe(4);
    const metrics = await shared.base.metrics.registry.getSingleMetricAsString(
      'va_ingest_backpressure_pauses_total',
    );
    expect(Number(/ (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const chunks = await collectUntil(
      testKafka(),
      topics.audio,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.filter((c) => c.final && summary.call_ids.includes(c.callId)).length === 8,
    );
    for (const callId of summary.call_ids) {
      const bytes = chunks
        .filter((c) => c.callId === callId)
        .reduce((sum, c) => sum + c.payload.byteLength, 0);
      expect(bytes).toBe(audio[0].agent.length + audio[0].customer.length);
    }
  });

  it('ends a call that goes quiet after the idle timeout with DEADLINE_EXCEEDED', async () => {
    const client = createIngestClient(`127.0.0.1:${shared.grpc.port}`);
    const callId = uniqueName('idle').replace('.', '-');
    const stream = openCallStream(client, TOKEN);
    await stream.write(start(callId));
    await stream.write(frame(0));
    const result = await stream.result;
    client.close();
    expect([result.code, result.details]).toEqual([
      grpc.status.DEADLINE_EXCEEDED,
      expect.stringMatching(/IDLE_TIMEOUT/),
    ]);
    const events = await callEventsUntilEnded(testKafka(), topics.calls, callId);
    expect(events.find((e) => e.callId === callId && e.type === 'ended')?.endReason).toBe('idle_timeout');
  });

  it('closes a connection that carries no stream after GRPC_MAX_CONNECTION_IDLE_MS; the client reconnects for its next call', async () => {
    // Streams were capped, connections not: a channel left open without a stream held its socket.
    const idle = await gateway({ GRPC_MAX_CONNECTION_IDLE_MS: '300' });
    const client = createIngestClient(`127.0.0.1:${idle.grpc.port}`);
    try {
      await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + 5_000, (error) => (error ? reject(error) : resolve())),
      );
      const channel = client.getChannel();
      const ready = performance.now();
      const state = await new Promise<grpc.connectivityState>((resolve) =>
        channel.watchConnectivityState(grpc.connectivityState.READY, Date.now() + 5_000, () =>
          resolve(channel.getConnectivityState(false)),
        ),
      );
      // The server's GOAWAY, not the client's own idle timer (grpc-js: 30 min).
      expect(state).not.toBe(grpc.connectivityState.READY);
      expect(performance.now() - ready).toBeLessThan(4_000);
      const stream = openCallStream(client, TOKEN);
      await stream.write(start('after-idle-close'));
      await stream.write({ end: { reason: 'hangup' } });
      const result = await stream.finish();
      expect(result.code).toBe(grpc.status.OK);
      expect(result.acks.map((a) => a.state)).toContain('CALL_STATE_ACTIVE');
    } finally {
      client.close();
    }
  });

  it('caps the streams waiting for their CallStart per tenant and in all, with a retry delay', async () => {
    // Counted by nothing else: one tenant's silent streams grew the gateway past its memory limit.
    const other = 'limits-other-token-0123456789';
    const capped = await gateway({
      TENANT_TOKENS: `acme=${TOKEN},beta=${other}`,
      GRPC_MAX_WAITING_PER_TENANT: '3',
      GRPC_MAX_WAITING: '4',
    });
    const client = createIngestClient(`127.0.0.1:${capped.grpc.port}`);
    try {
      const silent = [0, 1, 2].map(() => openCallStream(client, TOKEN));
      // A stream is counted once the gateway has it: wait until the 4th of acme is refused.
      let refused: Awaited<ReturnType<typeof openCallStream>['result']> | undefined;
      for (let attempt = 0; attempt < 50 && !refused; attempt += 1) {
        const extra = openCallStream(client, TOKEN);
        const outcome = await Promise.race([
          extra.result,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 200)),
        ]);
        if (outcome) refused = outcome;
        else extra.cancel();
      }
      expect(refused?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(refused?.details).toMatch(/^TOO_MANY_WAITING: /);
      expect(refused?.retryPushbackMs).toBe(1000);
      // Another tenant still gets in (one place left of the 4), then the gateway is full for it too.
      const beta = openCallStream(client, other);
      await beta.write(start(uniqueName('beta').replace('.', '-')));
      await beta.write(frame(0));
      await expect.poll(() => beta.acks.length, { timeout: 5_000 }).toBeGreaterThan(0);
      // A CallStart frees the stream's place: acme may open another.
      await silent[0].write(start(uniqueName('acme').replace('.', '-')));
      await silent[0].write(frame(0));
      await expect.poll(() => silent[0].acks.length, { timeout: 5_000 }).toBeGreaterThan(0);
      const next = openCallStream(client, TOKEN);
      const outcome = await Promise.race([
        next.result,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 500)),
      ]);
      expect(outcome).toBeNull();
      for (const stream of [...silent, beta, next]) stream.cancel();
    } finally {
      client.close();
    }
  });

  it('hands a live call over on a graceful stop: UNAVAILABLE, its audio flushed, and it resumes on another gateway', async () => {
    const leaving = await gateway({});
    const staying = await gateway({});
    const client = createIngestClient(`127.0.0.1:${leaving.grpc.port}`);
    const callId = uniqueName('stop').replace('.', '-');
    const stream = openCallStream(client, TOKEN);
    await stream.write(start(callId));
    for (let seq = 0; seq < 10; seq += 1) await stream.write(frame(seq));
    await expect.poll(() => stream.acks.length).toBeGreaterThan(0);
    await leaving.stop();
    const result = await stream.result;
    client.close();
    expect(result.code).toBe(grpc.status.UNAVAILABLE);
    // The client goes on where it left off, on the other gateway (same call id, audio time 200 ms).
    const other = createIngestClient(`127.0.0.1:${staying.grpc.port}`);
    const resumed = openCallStream(other, TOKEN);
    await resumed.write(start(callId));
    for (let seq = 10; seq < 20; seq += 1) await resumed.write(frame(seq));
    await resumed.write({ end: { reason: 'hangup' } });
    expect((await resumed.result).code).toBe(grpc.status.OK);
    other.close();
    const chunks = await collectUntil(
      testKafka(),
      topics.audio,
      (m) => audioChunkCodec.decode(m.value, m.headers),
      (all) => all.some((c) => c.callId === callId && c.final),
    );
    const own = chunks.filter((c) => c.callId === callId);
    expect(own.reduce((sum, c) => sum + c.payload.byteLength, 0)).toBe(20 * 160);
    // Only the real end is final: a final chunk at the hand-over made the dsp-worker drop the rest.
    expect(own.filter((c) => c.final).map((c) => c.audioEndMs)).toEqual([
      Math.max(...own.map((c) => c.audioEndMs)),
    ]);
    const events = await callEventsUntilEnded(testKafka(), topics.calls, callId);
    expect(events.filter((e) => e.callId === callId && e.type === 'ended').map((e) => e.endReason)).toEqual([
      'hangup',
    ]);
  });
});
