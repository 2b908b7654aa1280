// Fuzzes the gRPC frame validator of the ingest gateway: CallStart and AudioFrame messages with
// every field drawn from what @grpc/proto-loader can hand us (any strings, any numbers) either
// validate or throw IngestError with a documented code; a validated spec keeps its promises.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IngestError, type IngestErrorCode } from '../../../../services/ingest-gateway/errors.ts';
import {
  validateCallStart,
  validateFrame,
  type CallSpec,
  type RawAudioFrame,
  type RawCallStart,
} from '../../../../services/ingest-gateway/validate.ts';
import { FUZZ, settle } from '../../../support/fuzz/typed-error.ts';

const START_CODES: IngestErrorCode[] = [
  'BAD_CALL_ID',
  'BAD_PREVIOUS_CALL_ID',
  'TENANT_MISMATCH',
  'UNSUPPORTED_CODEC',
  'UNSUPPORTED_SAMPLE_RATE',
  'BAD_CHANNEL_LAYOUT',
  'BAD_METADATA',
  'BAD_START_TIME',
];
const FRAME_CODES: IngestErrorCode[] = ['UNDECLARED_CHANNEL', 'FRAME_TOO_LARGE', 'BAD_FRAME'];
const CHANNEL_NAMES = ['CHANNEL_UNSPECIFIED', 'CHANNEL_AGENT', 'CHANNEL_CUSTOMER'];
const TOKEN_TENANT = 'acme';

/** Mostly the values a client would send, sometimes anything: both paths get exercised. */
const either = <T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: likely }, { weight: 1, arbitrary: other });
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 32));
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }));

const rawCallStart: fc.Arbitrary<RawCallStart> = fc.record({
  callId: either(fc.stringMatching(/^[A-Za-z0-9._-]{0,130}$/), text),
  tenant: either(fc.constantFrom('', TOKEN_TENANT), text),
  agentId: text,
  queue: text,
  customerRef: text,
  team: text,
  startTimeMs: anyNumber,
  codec: either(fc.constantFrom('CODEC_LINEAR16', 'CODEC_PCMU', 'CODEC_PCMA', 'CODEC_UNSPECIFIED'), text),
  sampleRateHz: either(fc.constantFrom(8000, 16000, 0), anyNumber),
  channels: fc.array(either(fc.constantFrom(...CHANNEL_NAMES), text), { maxLength: 4 }),
  consent: fc.option(fc.record({ analytics: fc.boolean(), storeFeatures: fc.boolean() })),
  interleaved: fc.option(fc.boolean(), { nil: undefined }),
  previousCallId: fc.option(either(fc.stringMatching(/^[A-Za-z0-9._-]{0,130}$/), text), { nil: undefined }),
});

const rawFrame: fc.Arbitrary<RawAudioFrame> = fc.record({
  channel: either(fc.constantFrom(...CHANNEL_NAMES), text),
  sequence: anyNumber,
  audioTimeMs: either(fc.integer({ min: -10, max: 86_400_010 }), anyNumber),
  payload: fc.uint8Array({ maxLength: 700 }).map((bytes) => Buffer.from(bytes)),
});

const NOW_MS = 1_700_000_000_000;

describe('fuzz: gRPC frame validator', () => {
  it('CallStart: validates into a supported spec or throws a typed IngestError', () => {
    fc.assert(
      fc.property(rawCallStart, (raw) => {
        const out = settle(() => validateCallStart(raw, TOKEN_TENANT, NOW_MS), IngestError, START_CODES);
        if (!out.ok) return;
        // What downstream relies on: the token's tenant, a colon-free id, a real format.
        expect(out.value.tenant).toBe(TOKEN_TENANT);
        expect(out.value.callId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
        expect([8000, 16000]).toContain(out.value.sampleRateHz);
        expect(out.value.channels.length).toBeGreaterThan(0);
        // A link names another call, by the same rules (event ids and store keys carry it).
        if (out.value.previousCallId !== '') {
          expect(out.value.previousCallId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
          expect(out.value.previousCallId).not.toBe(out.value.callId);
        }
      }),
      FUZZ,
    );
  });

  it('AudioFrame: returns a declared channel or throws a typed IngestError', () => {
    const spec = fc
      .record({
        codec: fc.constantFrom('linear16', 'pcmu', 'pcma') as fc.Arbitrary<CallSpec['codec']>,
        channels: fc.constantFrom<CallSpec['channels']>(['agent'], ['customer'], ['agent', 'customer']),
        interleaved: fc.boolean(),
      })
      .map((s): CallSpec => ({
        ...s,
        callId: 'c',
        tenant: TOKEN_TENANT,
        agentId: '',
        queue: '',
        team: '',
        customerRef: '',
        startTimeMs: NOW_MS,
        sampleRateHz: 8000,
        previousCallId: '',
        consent: { analytics: true, storeFeatures: true },
      }));
    fc.assert(
      fc.property(rawFrame, spec, fc.integer({ min: 1, max: 640 }), (frame, callSpec, maxFrameBytes) => {
        const out = settle(() => validateFrame(frame, callSpec, maxFrameBytes), IngestError, FRAME_CODES);
        if (!out.ok) return;
        if (callSpec.interleaved) expect(out.value).toBeNull();
        else expect(callSpec.channels).toContain(out.value);
      }),
      FUZZ,
    );
  });
});
