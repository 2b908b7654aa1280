// What a call's records say, for comparing two ways of ingesting the same audio: a channel's bytes
// and timeline (however it was chunked). What the workers make of them is downstream.ts. Pure.
import { expect } from 'vitest';
import type { AudioChunk } from '../../../services/shared/records.ts';

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
