// The gRPC server's CallStart while the consent changes cannot be confirmed read (the consent feed
// rejects CONSENT_UNCONFIRMED after CONSENT_CHECK_MAX_MS), against a fake sink: a new call goes on
// with its frames in order; its start's age is taken when it came, not after the wait.
import { afterEach, expect, it } from 'vitest';
import { createTokenStore } from '../../../../services/ingest-gateway/auth.ts';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import { startGrpcServer, type GrpcServer } from '../../../../services/ingest-gateway/grpc-server.ts';
import { createLiveCalls } from '../../../../services/ingest-gateway/live-calls.ts';
import { audioChunkCodec, type AudioChunk } from '../../../../services/shared/records.ts';
import { createIngestClient, openCallStream } from '../../../../services/simulator/ingest-client.ts';
import { fakeSink, quietLogger, sessionSettings, testGatewayMetrics } from './fake-sink.ts';

const CHECK_MAX_MS = 3_000;
let server: GrpcServer | undefined;
let client: ReturnType<typeof createIngestClient> | undefined;
afterEach(async () => {
  client?.close();
  await server?.stop();
});

async function gateway() {
  const chunks: AudioChunk[] = [];
  const sink = fakeSink((records) => {
    for (const r of records)
      if (r.topic === 'audio') chunks.push(audioChunkCodec.decode(r.message.value as Buffer, undefined));
  });
  const liveCalls = createLiveCalls(100);
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: null,
    tokens: createTokenStore(new Map([['acme', ['tok-acme']]])),
    settings: sessionSettings(),
    idleTimeoutMs: 30_000,
    maxFrameBytes: 64_000,
    sink,
    liveCalls,
    maxWaitingStreams: { total: 100, perTenant: 100 },
    maxConnectionIdleMs: 60_000,
    reconnectGraceMs: 0,
    // The broker away: the check never confirms, as consent-feed.ts after checkMaxMs.
    consentChanges: {
      confirm: () =>
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new IngestError('CONSENT_UNCONFIRMED', 'not confirmed', 1_000)),
            CHECK_MAX_MS,
          ),
        ),
      narrowed: () => null,
    },
    logger: quietLogger(),
    metrics: testGatewayMetrics(),
  });
  client = createIngestClient(`127.0.0.1:${server.port}`);
  return { chunks, liveCalls };
}

const start = (callId: string, startTimeMs: number) => ({
  start: {
    callId,
    agentId: 'agent-7',
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    startTimeMs,
    consent: { analytics: true, storeFeatures: true },
  },
});

/** 50 agent frames, each payload filled with its sequence number, then the stream's end. */
async function writeNumberedFrames(stream: ReturnType<typeof openCallStream>): Promise<void> {
  for (let sequence = 0; sequence < 50; sequence++)
    await stream.write({
      frame: {
        channel: 'CHANNEL_AGENT',
        sequence,
        audioTimeMs: sequence * 20,
        payload: new Uint8Array(160).fill(sequence),
      },
    });
  await stream.write({ end: { reason: 'done' } });
}

/** The agent audio that left is those 50 frames, whole and in sequence order. */
function expectNumberedFramesInOrder(chunks: AudioChunk[]): void {
  const bytes = Buffer.concat(chunks.filter((c) => c.channel === 'agent').map((c) => Buffer.from(c.payload)));
  expect(bytes.length).toBe(50 * 160);
  for (let s = 0; s < 50; s++) expect(bytes[s * 160]).toBe(s);
}

it('takes a new call whose start came 2.5 s after the call began (within 5 s when it came), its frames in order', async () => {
  const { chunks } = await gateway();
  const stream = openCallStream(client!, 'tok-acme');
  await stream.write(start('new-call', Date.now() - 2_500));
  await writeNumberedFrames(stream);
  const result = await stream.finish();
  expect(result.details).not.toMatch(/CONSENT_UNCONFIRMED/);
  expect(result.code).toBe(0);
  expectNumberedFramesInOrder(chunks);
}, 20_000);

it('takes a new call with start_time_ms 0, its frames queued during the wait in order', async () => {
  const { chunks } = await gateway();
  const stream = openCallStream(client!, 'tok-acme');
  await stream.write(start('zero-call', 0));
  await writeNumberedFrames(stream);
  const result = await stream.finish();
  expect(result.code).toBe(0);
  expectNumberedFramesInOrder(chunks);
}, 20_000);

it('keeps a resume (its call began 10 min ago) refused CONSENT_UNCONFIRMED', async () => {
  await gateway();
  const stream = openCallStream(client!, 'tok-acme');
  await stream.write(start('old-call', Date.now() - 600_000));
  const result = await stream.result;
  expect(result.details).toMatch(/CONSENT_UNCONFIRMED/);
}, 20_000);

it('keeps a resume sent with start_time_ms 0 refused: its frames go on where the call left off', async () => {
  const { chunks } = await gateway();
  const stream = openCallStream(client!, 'tok-acme');
  await stream.write(start('moved-call', 0));
  for (let sequence = 3_000; sequence < 3_010; sequence++)
    await stream.write({
      frame: { channel: 'CHANNEL_AGENT', sequence, audioTimeMs: sequence * 20, payload: new Uint8Array(160) },
    });
  const result = await stream.result;
  expect(result.details).toMatch(/CONSENT_UNCONFIRMED/);
  expect(chunks).toEqual([]);
}, 20_000);

it('leaves nothing behind when the stream is cancelled during the wait', async () => {
  const { liveCalls } = await gateway();
  const stream = openCallStream(client!, 'tok-acme');
  await stream.write(start('gone', 0));
  await new Promise((r) => setTimeout(r, 500));
  stream.cancel();
  await new Promise((r) => setTimeout(r, CHECK_MAX_MS + 500));
  expect(liveCalls.all().length).toBe(0);
}, 20_000);
