// Record codecs: round trips of every Kafka record, friendly enums, int64 as numbers, NaN kept,
// and typed decode errors for garbage, missing ids and a mismatched schema header.
import { alertRecordCodec } from '../../../../services/alert-service/alert-records.ts';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  friendlyEnumName,
  SCHEMA_HEADER,
} from '../../../../services/shared/codec.ts';
import {
  alertEventCodec,
  audioChunkCodec,
  callEventCodec,
  deadLetterCodec,
  decodeAlertsTopic,
  decodeFeaturesTopic,
  dynamicsWindowCodec,
  emotionEventCodec,
  featureWindowCodec,
  type AudioChunk,
  type CallEvent,
} from '../../../../services/shared/records.ts';
import { thrownError } from '../../../support/thrown.ts';

const chunk: AudioChunk = {
  callId: 'call-1',
  channel: 'customer',
  codec: 'pcmu',
  sampleRateHz: 8000,
  firstSequence: 10,
  lastSequence: 14,
  audioStartMs: 200,
  audioEndMs: 300,
  payload: new Uint8Array([0xff, 0x7f, 0x00, 0x80]),
  firstReceivedAtMs: 1_795_000_000_123,
  receivedAtMs: 1_795_000_000_223,
  final: false,
  tenant: 'acme',
  chunkIndex: 2,
};

const caught = (fn: () => unknown) => thrownError(fn, DecodeError);

describe('record codecs', () => {
  it('round-trips an audio chunk with Unix-ms timestamps as numbers', () => {
    const bytes = audioChunkCodec.encode(chunk);
    const back = audioChunkCodec.decode(bytes, audioChunkCodec.headers());
    // A chunk written without on_hold or agent_leg (an older gateway) reads as not on hold, leg unknown.
    expect({ ...back, payload: Array.from(back.payload) }).toEqual({
      ...chunk,
      onHold: false,
      agentLeg: 0,
      payload: Array.from(chunk.payload),
    });
    expect(typeof back.receivedAtMs).toBe('number');
  });

  it('round-trips a call event with consent and channel list', () => {
    const event: CallEvent = {
      eventId: 'call-1:call:started',
      callId: 'call-1',
      type: 'started',
      tenant: 'acme',
      agentId: 'a-7',
      queue: 'billing',
      team: 'blue',
      customerRef: 'crm-1',
      startTimeMs: 1_795_000_000_000,
      endTimeMs: 0,
      codec: 'linear16',
      sampleRateHz: 16000,
      channels: ['agent', 'customer'],
      // history_opt_out travels too.
      consent: { analytics: true, storeFeatures: false, historyOptOut: true },
      endReason: '',
      framesAccepted: 0,
      gaps: 0,
      audioDurationMs: 0,
      producedAtMs: 1_795_000_000_001,
    };
    // A start outside a key rotation carries no previous pseudonym: it decodes as ''; a start
    // has no consent change, whose audio time decodes as 0. One from before the leg fields (019)
    // decodes as leg start unknown; one continuing no earlier call has no previous call id.
    expect(callEventCodec.decode(callEventCodec.encode(event))).toEqual({
      ...event,
      previousCustomerRef: '',
      consentAudioMs: 0,
      legStartAudioMs: 0,
      legStartKnown: false,
      previousCallId: '',
    });
    const change = { ...event, type: 'consent-changed' as const, consentAudioMs: 12_340.5 };
    expect(callEventCodec.decode(callEventCodec.encode(change))).toEqual({
      ...change,
      previousCustomerRef: '',
      legStartAudioMs: 0,
      legStartKnown: false,
      previousCallId: '',
    });
    // A transfer given a new call id names the call it continues.
    const linked = callEventCodec.decode(callEventCodec.encode({ ...event, previousCallId: 'connect-1' }));
    expect(linked.previousCallId).toBe('connect-1');
    // A resumed leg's start says where in the call's audio it starts.
    const resumed = callEventCodec.decode(
      callEventCodec.encode({ ...event, legStartAudioMs: 61_240, legStartKnown: true }),
    );
    expect([resumed.legStartAudioMs, resumed.legStartKnown]).toEqual([61_240, true]);
  });

  it('keeps NaN functionals and fills absent sub-messages with defaults', () => {
    const bytes = featureWindowCodec.encode({
      eventId: 'c:agent:3:features',
      callId: 'c',
      channel: 'agent',
      windowIndex: 3,
      startMs: 3000,
      endMs: 5000,
      functionals: [1.5, Number.NaN, -2],
    } as never);
    const back = featureWindowCodec.decode(bytes);
    expect(back.functionals[0]).toBe(1.5);
    expect(Number.isNaN(back.functionals[1])).toBe(true);
    expect(back.pitch.medianHz).toBe(0);
    expect(back.windowIndex).toBe(3);
  });

  it('round-trips dynamics, emotion, alert and dead-letter records', () => {
    const dynamics = dynamicsWindowCodec.decode(
      dynamicsWindowCodec.encode({
        eventId: 'c:both:1:dynamics',
        callId: 'c',
        talkRatioAgent: Number.NaN,
        agentResponseLatencyMs: [300],
      } as never),
    );
    expect(Number.isNaN(dynamics.talkRatioAgent)).toBe(true);
    expect(dynamics.agentResponseLatencyMs).toEqual([300]);
    const emotion = emotionEventCodec.decode(
      emotionEventCodec.encode({
        eventId: 'c:customer:1:emotion',
        callId: 'c',
        channel: 'customer',
        state: 'angry',
        probabilities: { angry: 0.7, neutral: 0.3 },
      } as never),
    );
    expect(emotion.probabilities).toEqual({ angry: 0.7, neutral: 0.3 });
    const alert = alertEventCodec.decode(
      alertEventCodec.encode({
        eventId: 'c:customer:4:anger',
        callId: 'c',
        state: 'escalated',
        severity: 'critical',
      } as never),
    );
    expect([alert.state, alert.severity]).toEqual(['escalated', 'critical']);
    // A message past the bound is refused by every consumer alike (it became a hint too large to produce).
    const long = alertEventCodec.encode({
      eventId: 'c:customer:4:anger',
      callId: 'c',
      message: 'x'.repeat(1001),
    } as never);
    expect(() => alertEventCodec.decode(long)).toThrow(/message is longer than 1000 characters/);
    // The alert service's own fan-out decoder refuses it too: the wallboard shows no alert the store refuses.
    expect(() =>
      alertRecordCodec.decode(
        alertRecordCodec.encode({
          eventId: 'e',
          callId: 'c',
          alertId: 'a',
          message: 'x'.repeat(1001),
        } as never),
      ),
    ).toThrow(/message is longer than 1000 characters/);
    const dead = deadLetterCodec.decode(
      deadLetterCodec.encode({
        topic: 'va.audio.v1',
        partition: 2,
        offset: '9007199254740993',
        reasonCode: 'DECODE_FAILED',
        originalValue: new Uint8Array([1]),
      } as never),
    );
    expect(dead.offset).toBe('9007199254740993');
    expect(Array.from(dead.originalValue)).toEqual([1]);
  });

  it('rejects an unknown enum value when encoding', () => {
    expect(() => audioChunkCodec.encode({ ...chunk, codec: 'opus' as never })).toThrow(EncodeError);
  });

  it('fails garbage with DECODE_FAILED, never anything untyped', () => {
    for (const bytes of [
      Buffer.from([0xff, 0xff, 0xff]),
      Buffer.from('not protobuf at all'),
      Buffer.alloc(0),
      null,
    ]) {
      const error = caught(() => audioChunkCodec.decode(bytes));
      expect(error).toBeInstanceOf(DecodeError);
      expect(error.code).toBe('DECODE_FAILED');
    }
  });

  it('fails a record whose va-schema header names another type with SCHEMA_MISMATCH', () => {
    const bytes = audioChunkCodec.encode(chunk);
    const error = caught(() =>
      audioChunkCodec.decode(bytes, { [SCHEMA_HEADER]: Buffer.from('va.events.v1.CallEvent') }),
    );
    expect(error.code).toBe('SCHEMA_MISMATCH');
  });

  it('dispatches a multi-type topic on the header', () => {
    const features = featureWindowCodec.encode({
      eventId: 'c:agent:0:features',
      callId: 'c',
      channel: 'agent',
    } as never);
    const decoded = decodeFeaturesTopic(features, featureWindowCodec.headers());
    expect(decoded.schema).toBe('features');
    expect(caught(() => decodeFeaturesTopic(features, {})).code).toBe('SCHEMA_MISMATCH');
    expect(
      decodeAlertsTopic(
        alertEventCodec.encode({ eventId: 'e', callId: 'c' } as never),
        alertEventCodec.headers(),
      ).schema,
    ).toBe('alert');
  });

  it('derives friendly enum names from the proto prefix', () => {
    expect(friendlyEnumName('Channel', 'CHANNEL_AGENT')).toBe('agent');
    expect(friendlyEnumName('CallState', 'CALL_STATE_NOT_ANALYSED')).toBe('not-analysed');
    expect(friendlyEnumName('Codec', 'CODEC_LINEAR16')).toBe('linear16');
  });
});
