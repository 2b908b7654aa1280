// Against a real dsp-worker process and broker: an AudioChunk on va.audio.v1
// claiming sampleRateHz 4e9 made the worker's resampler try to allocate ~9 GB on every restart;
// audio times and wall clocks were not bounded either. Now the chunk decoder bounds every field:
// each poison chunk is dead-lettered alone (DECODE_FAILED, before any analysis) and the good call
// behind them in the same partition is analysed by the same, still running, worker.
import { describe, expect, it } from 'vitest';
import {
  collectTopic,
  HARNESS_TENANT,
  produceCallAudio,
  toTelephoneCall,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import {
  audioChunkCodec,
  deadLetterCodec,
  featureWindowCodec,
  type AudioChunk,
} from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { startDspWorker } from './dsp-worker-fixture.ts';

const kafka = testKafka('va-test-poison-chunk');

describe('a poison audio chunk', () => {
  it('is dead-lettered alone and the call behind it is analysed', async () => {
    // The poison chunks are in front of the good call, in the worker's one partition.
    const { topics, worker } = await startDspWorker(kafka);
    const now = Date.now();
    const chunk = (callId: string, over: Partial<AudioChunk>) =>
      outRecord(topics.audio, audioChunkCodec, callKey(HARNESS_TENANT, callId), {
        callId,
        channel: 'agent',
        codec: 'linear16',
        sampleRateHz: 8000,
        firstSequence: 0,
        lastSequence: 9,
        audioStartMs: 0,
        audioEndMs: 200,
        payload: new Uint8Array(3200),
        firstReceivedAtMs: now,
        receivedAtMs: now,
        final: false,
        tenant: HARNESS_TENANT,
        chunkIndex: 0,
        ...over,
      });
    const poison: [string, Partial<AudioChunk>, RegExp][] = [
      ['rate', { sampleRateHz: 4e9 }, /sampleRateHz 4000000000/],
      ['far', { audioStartMs: 1e300, audioEndMs: 1e300 }, /audioStartMs/],
      ['nan', { audioStartMs: NaN, audioEndMs: NaN }, /audioStartMs/],
      ['clock', { firstReceivedAtMs: -1e18 }, /firstReceivedAtMs/],
    ];
    const poisonIds = poison.map(([name]) => uniqueName(name).replace('.', '-'));
    const producer = kafka.producer();
    await producer.connect();
    await sendRecords(
      producer,
      poison.map(([, over], k) => chunk(poisonIds[k], over)),
    );
    const good = toTelephoneCall(uniqueName('good').replace('.', '-'), syntheticCall(4, 3));
    await produceCallAudio(producer, topics.audio, good, { final: true });
    await producer.disconnect();

    const features = await collectTopic(kafka, topics.features, (value, headers) =>
      featureWindowCodec.decode(value, headers),
    );
    const letters = await collectTopic(kafka, topics.deadletter, (value) => deadLetterCodec.decode(value));
    try {
      await waitFor(
        'a final feature window of the good call',
        () => features.records.some((r) => r.value.callId === good.callId && r.value.final),
        60_000,
      );
      await waitFor('the dead letters', () => letters.records.length >= poison.length, 10_000);
    } finally {
      await features.stop();
      await letters.stop();
    }
    const byKey = new Map(letters.records.map((r) => [Buffer.from(r.value.key).toString(), r.value]));
    poison.forEach(([name, , reason], k) => {
      expect(byKey.get(callKey(HARNESS_TENANT, poisonIds[k])), name).toMatchObject({
        topic: topics.audio,
        reasonCode: 'DECODE_FAILED',
        message: expect.stringMatching(reason),
      });
    });
    expect(letters.records).toHaveLength(poison.length);
    expect(features.records.some((r) => poisonIds.includes(r.value.callId))).toBe(false);
    expect(worker.child.exitCode).toBeNull();
  });
});
