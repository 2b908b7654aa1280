// Sane bounds on every field of an audio record, at both edges. The gateway
// refuses out-of-range CallStart / frame / CallEnd fields with typed IngestErrors; the AudioChunk
// decoder the dsp-worker uses refuses out-of-range chunks with DecodeError (dead-lettered, never
// analysed) and still accepts the largest chunk the gateway can produce.
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import {
  validateCallStart,
  validateEndReason,
  validateFrame,
  type RawCallStart,
} from '../../../../services/ingest-gateway/validate.ts';
import { MAX_CHUNK_PAYLOAD_BYTES } from '../../../../services/shared/audio-chunk-limits.ts';
import { audioChunkCodec, type AudioChunk } from '../../../../services/shared/records.ts';
import { thrownCode as code } from '../../../support/thrown.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const chunk: AudioChunk = {
  callId: 'call-1',
  channel: 'agent',
  codec: 'linear16',
  sampleRateHz: 16000,
  firstSequence: 0,
  lastSequence: 9,
  audioStartMs: 0,
  audioEndMs: 200,
  payload: new Uint8Array(6400),
  firstReceivedAtMs: NOW,
  receivedAtMs: NOW,
  final: false,
  tenant: 'acme',
  chunkIndex: 0,
};
const start: RawCallStart = {
  callId: 'call-1',
  tenant: '',
  agentId: 'agent-1',
  queue: '',
  customerRef: '',
  team: '',
  startTimeMs: NOW,
  codec: 'CODEC_LINEAR16',
  sampleRateHz: 16000,
  channels: [],
  consent: { analytics: true, storeFeatures: false },
};

describe('the AudioChunk decoder of the dsp-worker', () => {
  it.each<[string, Partial<AudioChunk>]>([
    ['a 4 GHz sample rate', { sampleRateHz: 4e9 }],
    ['a 1 Hz sample rate', { sampleRateHz: 1 }],
    ['a 44.1 kHz sample rate', { sampleRateHz: 44_100 }],
    ['an audio start past two days', { audioStartMs: 1e300, audioEndMs: 1e300 }],
    ['a NaN audio time', { audioStartMs: NaN }],
    ['a negative audio time', { audioStartMs: -20 }],
    ['an end before the start', { audioStartMs: 400, audioEndMs: 200 }],
    ['an infinite end', { audioEndMs: Infinity }],
    ['a payload over the bound', { payload: new Uint8Array(MAX_CHUNK_PAYLOAD_BYTES + 2) }],
    ['half a linear16 sample', { payload: new Uint8Array(3) }],
    ['a wall clock beyond a Date', { receivedAtMs: 9e18 }],
    ['a negative wall clock', { firstReceivedAtMs: -1 }],
    ['a call id with a colon', { callId: 'a:b' }],
    ['a 129-character call id', { callId: 'c'.repeat(129) }],
    ['a tenant with a slash', { tenant: 'a/b' }],
  ])('dead-letters a chunk with %s (DECODE_FAILED)', (_what, over) => {
    const bytes = audioChunkCodec.encode({ ...chunk, ...over });
    expect(code(() => audioChunkCodec.decode(bytes))).toBe('DECODE_FAILED');
  });

  it('accepts the largest chunk the gateway produces (16 kHz, longest gap fill cut at the cap, largest frame)', () => {
    const batcher = createChannelBatcher({
      callId: 'call-1',
      tenant: 'acme',
      channel: 'agent',
      codec: 'linear16',
      sampleRateHz: 16000,
      maxChunkMs: 2_000,
      maxGapFillMs: 60_000,
    });
    batcher.add(new Uint8Array(32), 0, NOW, 86_400_000);
    const chunks = batcher.add(new Uint8Array(1_048_576), 1_000_000, NOW);
    const largest = chunks.reduce<AudioChunk>(
      (a, b) => (b.payload.byteLength > a.payload.byteLength ? b : a),
      chunks[0]!,
    );
    // The fill is cut at the 2 s cap (64 000 bytes); the last chunk holds one cap of fill at most
    // and the frame.
    expect(largest.payload.byteLength).toBeLessThanOrEqual(64_000 + 1_048_576);
    expect(largest.payload.byteLength).toBeGreaterThan(1_048_576);
    const decoded = audioChunkCodec.decode(audioChunkCodec.encode(largest));
    expect(decoded.payload.byteLength).toBe(largest.payload.byteLength);
  });
});

describe('the gateway edge', () => {
  it('refuses a 4 GHz sample rate', () => {
    expect(code(() => validateCallStart({ ...start, sampleRateHz: 4e9 }, 'acme', NOW))).toBe(
      'UNSUPPORTED_SAMPLE_RATE',
    );
  });

  it('refuses a start time more than a day ahead, accepts one an hour ahead (as now)', () => {
    expect(code(() => validateCallStart({ ...start, startTimeMs: 9e18 }, 'acme', NOW))).toBe(
      'BAD_START_TIME',
    );
    expect(code(() => validateCallStart({ ...start, startTimeMs: NOW + 3_600_000 }, 'acme', NOW))).toBe(
      'accepted',
    );
  });

  it('refuses a frame audio time past a day', () => {
    const spec = validateCallStart(start, 'acme', NOW);
    const frame = { channel: 'CHANNEL_AGENT', sequence: 0, payload: Buffer.alloc(320) };
    expect(code(() => validateFrame({ ...frame, audioTimeMs: 86_400_001 }, spec, 16_000))).toBe('BAD_FRAME');
    expect(code(() => validateFrame({ ...frame, audioTimeMs: 86_400_000 }, spec, 16_000))).toBe('accepted');
  });

  it('refuses a CallEnd reason over 200 characters or with control characters', () => {
    expect(code(() => validateEndReason('r'.repeat(201)))).toBe('BAD_METADATA');
    expect(code(() => validateEndReason('hang\u0000up'))).toBe('BAD_METADATA');
    // Shown on the QA page: no override may reorder it (review).
    expect(code(() => validateEndReason('transfer\u202e'))).toBe('BAD_METADATA');
    expect(validateEndReason('r'.repeat(200))).toHaveLength(200);
  });
});
