// Fuzzes every Kafka record decoder (the codecs of services/shared/records.ts, the two multi-type
// topic decoders) and the record -> pipeline mappings of mapping.ts: random and mutated bytes
// under random `va-schema` headers either decode or throw DecodeError with a documented code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../../services/call-store/errors.ts';
import { parseStoreEvent } from '../../../../services/call-store/events.ts';
import { decodeStoreRecord, type StoreTopic } from '../../../../services/call-store/ingest/map-records.ts';
import {
  DecodeError,
  SCHEMA_HEADER,
  type RecordCodec,
  type RecordHeaders,
} from '../../../../services/shared/codec.ts';
import {
  asChannel,
  fromDynamicsWindowRecord,
  fromEmotionEventRecord,
  fromFeatureWindowRecord,
} from '../../../../services/shared/mapping.ts';
import {
  alertAckCodec,
  alertEventCodec,
  audioChunkCodec,
  callEventCodec,
  deadLetterCodec,
  decodeAlertsTopic,
  decodeFeaturesTopic,
  dynamicsWindowCodec,
  emotionEventCodec,
  featureWindowCodec,
  type WireChannel,
} from '../../../../services/shared/records.ts';
import { FUZZ, mutated, settle, type Outcome } from '../../../support/fuzz/typed-error.ts';

const CODES = ['DECODE_FAILED', 'SCHEMA_MISMATCH'] as const;
const ids = { callId: 'call-1', eventId: 'call-1:agent:0:x', tenant: 't', channel: 'agent' };

/** One small valid record per codec: mutating it reaches past the wire-format checks. */
const SEEDS: { codec: RecordCodec<never>; valid: Buffer; map?: (value: never) => unknown }[] = [
  {
    codec: audioChunkCodec as RecordCodec<never>,
    valid: audioChunkCodec.encode({
      ...ids,
      codec: 'pcmu',
      sampleRateHz: 8000,
      payload: Buffer.from([1, 2, 3]),
    } as never),
  },
  {
    codec: callEventCodec as RecordCodec<never>,
    valid: callEventCodec.encode({ ...ids, type: 'started' } as never),
  },
  {
    codec: featureWindowCodec as RecordCodec<never>,
    valid: featureWindowCodec.encode({
      ...ids,
      windowIndex: 3,
      startMs: 3000,
      endMs: 5000,
      functionals: [1, 2],
    } as never),
    map: fromFeatureWindowRecord as (value: never) => unknown,
  },
  {
    codec: dynamicsWindowCodec as RecordCodec<never>,
    valid: dynamicsWindowCodec.encode({ ...ids, windowIndex: 3, startMs: 3000, endMs: 5000 } as never),
    map: fromDynamicsWindowRecord as (value: never) => unknown,
  },
  {
    codec: emotionEventCodec as RecordCodec<never>,
    valid: emotionEventCodec.encode({ ...ids, state: 'neutral', rawLabel: 'neutral' } as never),
    map: fromEmotionEventRecord as (value: never) => unknown,
  },
  {
    codec: alertEventCodec as RecordCodec<never>,
    valid: alertEventCodec.encode({ ...ids, severity: 'warning', state: 'fired' } as never),
  },
  { codec: alertAckCodec as RecordCodec<never>, valid: alertAckCodec.encode({ alertId: 'a-1' } as never) },
  { codec: deadLetterCodec as RecordCodec<never>, valid: deadLetterCodec.encode({ reason: 'x' } as never) },
];
const SCHEMAS = SEEDS.map((s) => s.codec.schema);
const ALL_VALID = SEEDS.map((s) => s.valid);

/** No header, the codec's own schema (as string, Buffer or array), another schema, or noise. */
function headersFor(schema: string): fc.Arbitrary<RecordHeaders | undefined> {
  const named = fc
    .tuple(fc.oneof(fc.constantFrom(...SCHEMAS), fc.string({ maxLength: 40 })), fc.nat(2))
    .map(([name, form]): RecordHeaders => ({
      [SCHEMA_HEADER]: [name, Buffer.from(name), [Buffer.from(name)]][form],
    }));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(undefined, {}) },
    { weight: 3, arbitrary: fc.constant({ [SCHEMA_HEADER]: schema }) },
    { weight: 1, arbitrary: named },
  );
}

function bytesFor(valid: Buffer): fc.Arbitrary<Uint8Array | null | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    { weight: 5, arbitrary: mutated([valid]) },
    { weight: 1, arbitrary: mutated(ALL_VALID) },
  );
}

describe('fuzz: Kafka record decoders', () => {
  for (const { codec, valid, map } of SEEDS) {
    it(`${codec.schema}: any bytes decode or throw a typed DecodeError`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(bytesFor(valid), headersFor(codec.schema), (bytes, hdrs) => {
          const decoded = settle(() => codec.decode(bytes, hdrs), DecodeError, CODES);
          if (decoded.ok) accepted += 1;
          // The mapping runs on what the decoder let through, as the consumers do.
          if (decoded.ok && map) settle(() => map(decoded.value), DecodeError, CODES);
        }),
        FUZZ,
      );
      // Not only rejections: the mutations must reach the decoded-record checks and the mapping.
      expect(accepted).toBeGreaterThan(100);
    });
  }

  it('va.features.v1 and va.alerts.v1 multi-type decoders reject only with DecodeError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 256 }), mutated(ALL_VALID)),
        fc.constantFrom(...SCHEMAS).chain(headersFor),
        (bytes, hdrs) => {
          settle(() => decodeFeaturesTopic(bytes, hdrs), DecodeError, CODES);
          settle(() => decodeAlertsTopic(bytes, hdrs), DecodeError, CODES);
        },
      ),
      FUZZ,
    );
  });

  it('asChannel accepts agent and customer only, else DecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('agent', 'customer', 'unspecified'), fc.string()), (channel) => {
        const out = settle(() => asChannel(channel as WireChannel), DecodeError, CODES);
        expect(out.ok).toBe(channel === 'agent' || channel === 'customer');
      }),
      FUZZ,
    );
  });

  it('call store: any record of its four topics maps to a valid store event, null, or a typed error', () => {
    const TOPIC_SEEDS: [StoreTopic, Buffer][] = [
      ['calls', callEventCodec.encode({ ...ids, type: 'started', startTimeMs: 1, agentId: 'a' } as never)],
      ['calls', callEventCodec.encode({ ...ids, type: 'ended', endTimeMs: 2 } as never)],
      ['features', SEEDS[2].valid],
      ['features', SEEDS[3].valid],
      ['emotions', SEEDS[4].valid],
      ['alerts', SEEDS[5].valid],
      ['alerts', alertAckCodec.encode({ alertId: 'a-1', callId: 'call-1', acknowledgedAtMs: 5 } as never)],
    ];
    const SCHEMA_OF = [
      callEventCodec,
      callEventCodec,
      featureWindowCodec,
      dynamicsWindowCodec,
      emotionEventCodec,
      alertEventCodec,
      alertAckCodec,
    ].map((c) => c.schema);
    // Unix-ms fields are int64 on the wire: any safe integer can arrive, not only plausible times.
    const ms = fc.oneof(
      fc.integer({ min: 0, max: 2e12 }),
      fc.maxSafeInteger(),
      fc.maxSafeNat().map((n) => -n),
    );
    const timed = fc.oneof(
      fc
        .record({
          type: fc.constantFrom('started', 'ended'),
          startTimeMs: ms,
          endTimeMs: ms,
          producedAtMs: ms,
        })
        .map((t) => [0, callEventCodec.encode({ ...ids, ...t } as never)] as const),
      fc
        .record({ firedAtMs: ms, producedAtMs: ms })
        .map((t) => [5, alertEventCodec.encode({ ...ids, state: 'fired', ...t } as never)] as const),
      fc
        .record({ acknowledgedAtMs: ms })
        .map((t) => [6, alertAckCodec.encode({ alertId: 'a-1', callId: 'call-1', ...t } as never)] as const),
    );
    const seeded = fc
      .nat(TOPIC_SEEDS.length - 1)
      .chain((i) => fc.tuple(fc.constant(i), mutated([TOPIC_SEEDS[i][1]])));
    let stored = 0;
    fc.assert(
      fc.property(fc.oneof(seeded, timed), ([i, bytes]) => {
        const [topic] = TOPIC_SEEDS[i];
        const headers = { [SCHEMA_HEADER]: SCHEMA_OF[i] };
        // The consumer dead-letters whatever these throw; the reason must be a typed code.
        const raw = settle(() => decodeStoreRecord(topic, Buffer.from(bytes), headers), DecodeError, CODES);
        if (!raw.ok || raw.value === null) return;
        const event: Outcome<unknown> = settle(() => parseStoreEvent(raw.value), StoreError, [
          'INVALID_RECORD',
        ]);
        if (event.ok) stored += 1;
      }),
      FUZZ,
    );
    expect(stored).toBeGreaterThan(100);
  });
});
