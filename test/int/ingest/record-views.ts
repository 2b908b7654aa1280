// What a call's records say downstream, for comparing two ways of ingesting the same audio: a
// channel's bytes and timeline (however it was chunked), and the feature windows the dsp-worker's
// own processor makes of the chunks, without what names the call or the wall clock. Pure.
import { expect } from 'vitest';
import { createCallAnalyzer } from '../../../pipelines/dsp/index.ts';
import { CallStates } from '../../../services/dsp-worker/call-states.ts';
import { createFeatureProcessor } from '../../../services/dsp-worker/feature-processor.ts';
import { decodeFeaturesTopic, type AudioChunk } from '../../../services/shared/records.ts';

/** What a channel's chunks say downstream: its bytes and timeline (chunking may differ). */
export function channelView(chunks: AudioChunk[], channel: 'agent' | 'customer') {
  const own = chunks.filter((c) => c.channel === channel);
  for (let i = 1; i < own.length; i += 1) expect(own[i].audioStartMs).toBeCloseTo(own[i - 1].audioEndMs, 6);
  return {
    bytes: Buffer.concat(own.map((c) => c.payload)),
    startMs: own[0].audioStartMs,
    endMs: own.at(-1)?.audioEndMs,
    final: own.at(-1)?.final,
    codec: own[0].codec,
    sampleRateHz: own[0].sampleRateHz,
    tenant: own[0].tenant,
  };
}

/**
 * The dsp-worker's feature records of a call's chunks (its own processor, real analyzer, default
 * windows), without what names the call or the wall clock: what the classifier and alerts see.
 */
export function featuresOf(chunks: AudioChunk[]): string[] {
  const states = new CallStates({
    createAnalyzer: (format) => createCallAnalyzer({ format, windowMs: 2000, windowHopMs: 1000 }),
    windowHopMs: 1000,
    idleTimeoutMs: 60_000,
    maxCalls: 10,
    maxGapMs: 10_000,
  });
  const processor = createFeatureProcessor({ states, featuresTopic: 'features', now: () => 0 });
  const out = chunks.flatMap((value, offset) =>
    processor.handle({
      topic: 'audio',
      partition: 0,
      offset: String(offset),
      key: `${value.tenant}/${value.callId}`,
      value,
      timestampMs: 0,
    }),
  );
  const anonymous = (key: string, value: unknown) =>
    ['callId', 'eventId', 'producedAtMs', 'audioCompletedAtMs'].includes(key) ? undefined : value;
  return out
    .map((r) => decodeFeaturesTopic(r.message.value as Buffer, r.message.headers as never))
    .map((record) => JSON.stringify(record, anonymous))
    .sort();
}
