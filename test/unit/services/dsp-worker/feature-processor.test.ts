// The dsp-worker's record mapping: AudioChunk records in, FeatureWindow / DynamicsWindow records
// out with deterministic ids and the arrival time of the audio that completed each window.
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../../services/shared/consumer-runner.ts';
import {
  audioChunkCodec,
  decodeFeaturesTopic,
  type AudioChunk,
} from '../../../../services/shared/records.ts';
import { CallStates } from '../../../../services/dsp-worker/call-states.ts';
import { createFeatureProcessor } from '../../../../services/dsp-worker/feature-processor.ts';
import { createFakeAnalyzer } from './fake-analyzer.ts';

function chunk(
  callId: string,
  channel: 'agent' | 'customer',
  startMs: number,
  final = false,
  tenant = 't1',
): AudioChunk {
  return audioChunkCodec.decode(
    audioChunkCodec.encode({
      callId,
      channel,
      codec: 'pcmu',
      sampleRateHz: 8000,
      firstSequence: startMs / 20,
      lastSequence: startMs / 20 + 4,
      audioStartMs: startMs,
      audioEndMs: startMs + 100,
      payload: new Uint8Array(800).fill(0x7f),
      firstReceivedAtMs: 1_000_000 + startMs,
      receivedAtMs: 1_000_000 + startMs + 80,
      final,
      tenant,
      chunkIndex: startMs / 100,
    }),
  );
}

function consumed(value: AudioChunk, offset: number): ConsumedRecord<AudioChunk> {
  const key = `${value.tenant}/${value.callId}`;
  return { topic: 'audio', partition: 0, offset: String(offset), key, value, timestampMs: 0 };
}

function newStates(): CallStates {
  return new CallStates({
    createAnalyzer: createFakeAnalyzer,
    windowHopMs: 1000,
    idleTimeoutMs: 10_000,
    maxCalls: 10,
    maxGapMs: 1000,
  });
}

function newProcessor() {
  const states = newStates();
  return { states, processor: createFeatureProcessor({ states, featuresTopic: 'features' }) };
}

describe('feature processor', () => {
  it("stamps the windows a resume flushes with an unknown arrival, not the resumed chunk's", () => {
    const { processor } = newProcessor();
    let offset = 0;
    const push = (t: number) =>
      (['agent', 'customer'] as const).flatMap((channel) =>
        processor.handle(consumed(chunk('call-r', channel, t), offset++)),
      );
    for (let t = 0; t < 3000; t += 100) push(t);
    // The call resumes 5 minutes on (its chunks' clock moved 5 minutes too): the windows so far
    // are flushed; their audio arrived with the chunks before the jump.
    const flushed = push(303_000).map((r) =>
      decodeFeaturesTopic(r.message.value as Buffer, r.message.headers as never),
    );
    const speakers = flushed.flatMap((d) => (d.schema === 'features' ? [d.value] : []));
    expect(speakers.length).toBeGreaterThan(0);
    expect(speakers.every((w) => w.startMs < 3000 && w.audioCompletedAtMs === 0)).toBe(true);
  });

  it('emits one record per speaker window with deterministic ids, then flushes at the final chunks', () => {
    const states = newStates();
    const latencies: number[] = [];
    const processor = createFeatureProcessor({
      states,
      featuresTopic: 'features',
      now: () => 2_000_000,
      onWindow: (_kind, arrived, produced) => latencies.push(produced - arrived),
    });
    const out = [];
    let offset = 0;
    for (let t = 0; t < 2500; t += 100) {
      for (const channel of ['agent', 'customer'] as const) {
        out.push(...processor.handle(consumed(chunk('call-1', channel, t, t === 2400), offset++)));
      }
    }
    const decoded = out.map((r) =>
      decodeFeaturesTopic(r.message.value as Buffer, r.message.headers as never),
    );
    const ids = decoded.map((d) => d.value.eventId);
    expect(ids).toEqual([
      't1/call-1:agent:0:features',
      't1/call-1:customer:0:features',
      't1/call-1:both:0:dynamics',
      't1/call-1:agent:1:features',
      't1/call-1:customer:1:features',
      't1/call-1:both:1:dynamics',
    ]);
    expect(out.every((r) => r.topic === 'features' && r.message.key === 't1/call-1')).toBe(true);
    // Window 0 ends at 2000 ms: the chunk 1900-2000 ms completed it, its last frame arrived at +80.
    const first = decoded[0].value;
    expect(first.audioCompletedAtMs).toBe(1_000_000 + 1900 + 80);
    expect(first.tenant).toBe('t1');
    expect(states.size).toBe(0);
    expect(latencies).toHaveLength(6);
    // Each speaker's last window of the ended call carries the end marker, and only that one.
    const finals = decoded.filter((d) => d.schema === 'features' && d.value.final === true);
    expect(finals.map((d) => d.value.eventId)).toEqual([
      't1/call-1:agent:1:features',
      't1/call-1:customer:1:features',
    ]);
  });

  it('refuses a record whose key is not its call id', () => {
    const { processor } = newProcessor();
    const record = { ...consumed(chunk('a', 'agent', 0), 0), key: 'b' };
    expect(() => processor.handle(record)).toThrow(/key/);
  });

  it("keeps two tenants' calls with the same id apart: own state, key and event ids", () => {
    const { states, processor } = newProcessor();
    const out = [];
    let offset = 0;
    for (let t = 0; t < 2100; t += 100) {
      // Shared state would see B's audio as a jump back in A's call and mix their windows.
      for (const tenant of ['tenant-a', 'tenant-b'])
        out.push(...processor.handle(consumed(chunk('X', 'agent', t, false, tenant), offset++)));
    }
    expect(states.size).toBe(2);
    const decoded = out.map((r) => ({
      key: r.message.key,
      value: decodeFeaturesTopic(r.message.value as Buffer, r.message.headers as never).value,
    }));
    expect(decoded.map((d) => `${d.key} ${d.value.tenant} ${d.value.callId} ${d.value.eventId}`)).toEqual([
      'tenant-a/X tenant-a X tenant-a/X:agent:0:features',
      'tenant-b/X tenant-b X tenant-b/X:agent:0:features',
    ]);
  });

  it('accepts the bare call id key of records produced before keys carried the tenant', () => {
    const { processor } = newProcessor();
    const record = { ...consumed(chunk('a', 'agent', 0), 0), key: 'a' };
    expect(() => processor.handle(record)).not.toThrow();
  });
});
