// Derived window records out of physical bounds are refused at decode (DECODE_FAILED, so every
// consumer dead-letters them) instead of poisoning a speaker's state downstream.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../services/shared/codec.ts';
import { emotionEventCodec, featureWindowCodec } from '../../../../services/shared/records.ts';

const ids = { eventId: 'c:customer:5:x', callId: 'c', tenant: 't', channel: 'customer' };
const feature = (over: object) =>
  featureWindowCodec.encode({
    ...ids,
    windowIndex: 5,
    startMs: 5000,
    endMs: 7000,
    speechFraction: 0.9,
    voicedFraction: 0.5,
    functionals: [120.5, Number.NaN, -30],
    ...over,
  } as never);
const emotion = (over: object) =>
  emotionEventCodec.encode({
    ...ids,
    windowIndex: 5,
    startMs: 5000,
    endMs: 7000,
    state: 'angry',
    rawLabel: 'angry',
    arousal: 0.8,
    valence: 0.2,
    confidence: 0.6,
    probabilities: { angry: 0.6, neutral: 0.4 },
    ...over,
  } as never);
const refusal = (decode: () => unknown): string => {
  try {
    decode();
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return (error as DecodeError).message;
  }
};

describe('window record bounds', () => {
  it('accepts real windows (NaN functionals are "undefined in this window")', () => {
    expect(featureWindowCodec.decode(feature({})).functionals[0]).toBe(120.5);
    expect(emotionEventCodec.decode(emotion({})).arousal).toBeCloseTo(0.8);
  });

  it('refuses an index past its time, times out of the call, fractions and measures out of range', () => {
    const dec = (over: object) => refusal(() => featureWindowCodec.decode(feature(over)));
    expect(dec({ windowIndex: 4294967295 })).toMatch(/windowIndex 4294967295 does not fit/);
    expect(dec({ startMs: 9000, endMs: 2147483000 })).toMatch(/window times/);
    expect(dec({ speechFraction: 7 })).toMatch(/speechFraction 7 is not 0\.\.1/);
    expect(dec({ functionals: [1, 1e200] })).toMatch(/functionals\[1\] 1e\+200 is beyond/);
    expect(dec({ functionals: [Number.POSITIVE_INFINITY] })).toMatch(/functionals\[0\] Infinity/);
    expect(dec({ pitch: { medianHz: -1e9 } })).toMatch(/measures\.pitch\.medianHz/);
  });

  it('refuses emotion scores that are not probabilities and an unbounded probability map', () => {
    const dec = (over: object) => refusal(() => emotionEventCodec.decode(emotion(over)));
    expect(dec({ arousal: 7 })).toMatch(/arousal 7 is not 0\.\.1/);
    expect(dec({ confidence: 99 })).toMatch(/confidence 99/);
    expect(dec({ probabilities: { angry: -3 } })).toMatch(/probability of angry -3/);
    // A label that is not the product's is the sender's text: not quoted (logs, dead letters).
    expect(dec({ probabilities: { 'Jane Doe +447700900777': 2 } })).toMatch(
      /probability of an unknown label 2/,
    );
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, 0.01]));
    expect(dec({ probabilities: many })).toMatch(/100 probabilities/);
  });
});
