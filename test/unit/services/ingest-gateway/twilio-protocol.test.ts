// Twilio Media Streams messages into the gateway's CallStart / AudioFrame: the documented shapes
// parse, tracks map to channels, timestamps become timeline slots, consent comes only from the
// parameters, and malformed messages fail with their stable codes.
import { describe, expect, it } from 'vitest';
import { createChannelBatcher } from '../../../../services/ingest-gateway/channel-batcher.ts';
import { createTwilioFramer } from '../../../../services/ingest-gateway/twilio-framer.ts';
import type { RawAudioFrame } from '../../../../services/ingest-gateway/validate.ts';

/** The frames of one message, as a fresh stream's framer emits them. */
function toAudioFrames(
  media: Parameters<ReturnType<typeof createTwilioFramer>['push']>[0],
  offsetMs = 0,
): RawAudioFrame[] {
  const frames: RawAudioFrame[] = [];
  const framer = createTwilioFramer();
  framer.push(media, offsetMs, (f) => frames.push(f));
  framer.flush((f) => frames.push(f));
  return frames;
}
import {
  parseTwilioMessage,
  resumeOffsetMs,
  toCallStart,
  type TwilioStart,
} from '../../../../services/ingest-gateway/twilio-protocol.ts';
import { thrownCode as codeOf } from '../../../support/thrown.ts';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const CALL = 'CA' + 'b'.repeat(32);
const STREAM = 'MZ' + 'c'.repeat(32);

const startMessage = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: ACCOUNT,
      streamSid: STREAM,
      callSid: CALL,
      tracks: ['inbound', 'outbound'],
      customParameters: { agentId: 'agent-7', queue: 'billing', consentAnalytics: 'true', phone: '+33…' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      ...over,
    },
    streamSid: STREAM,
  });

describe('Twilio Media Streams messages', () => {
  it('maps start to a CallStart: CallSid, tracks as channels, parameters, consent', () => {
    const message = parseTwilioMessage(startMessage());
    expect(message.event).toBe('start');
    const start = (message as { start: TwilioStart }).start;
    expect(start.customParameters).not.toHaveProperty('phone'); // unknown parameters are dropped
    expect(toCallStart(start, 'acme')).toMatchObject({
      callId: CALL,
      tenant: 'acme',
      agentId: 'agent-7',
      queue: 'billing',
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      consent: { analytics: true, storeFeatures: false, historyOptOut: false },
    });
  });

  it('keeps a call out of the customer history with the parameter history=false', () => {
    const params = (extra: Record<string, string>) =>
      (
        parseTwilioMessage(startMessage({ customParameters: { consentAnalytics: 'true', ...extra } })) as {
          start: TwilioStart;
        }
      ).start;
    expect(toCallStart(params({ history: 'false' }), 'acme').consent?.historyOptOut).toBe(true);
    expect(toCallStart(params({ history: 'true' }), 'acme').consent?.historyOptOut).toBe(false);
    expect(codeOf(() => toCallStart(params({ history: 'maybe' }), 'acme'))).toBe('BAD_METADATA');
  });

  it('places media by timestamp: slot = timestamp / 20 ms, inbound = customer, outbound = agent', () => {
    const payload = Buffer.alloc(160, 0x7f).toString('base64');
    const media = (track: string, timestamp: string) =>
      parseTwilioMessage(
        JSON.stringify({
          event: 'media',
          sequenceNumber: '7',
          media: { track, chunk: '3', timestamp, payload },
          streamSid: STREAM,
        }),
      );
    const inbound = media('inbound', '101');
    const outbound = media('outbound', '400');
    if (inbound.event !== 'media' || outbound.event !== 'media') throw new Error('not media');
    expect(toAudioFrames(inbound.media)[0]).toMatchObject({
      channel: 'CHANNEL_CUSTOMER',
      sequence: 5,
      audioTimeMs: 101,
    });
    expect(toAudioFrames(outbound.media)[0]).toMatchObject({ channel: 'CHANNEL_AGENT', sequence: 20 });
    expect(toAudioFrames(inbound.media)[0].payload.byteLength).toBe(160);
    expect(inbound.sequenceNumber).toBe(7);
  });

  it('places a resumed stream after the audio reached plus the time away, on a 20 ms slot', () => {
    // Dropped at 30 s of audio, back 417 ms later: the new stream's timestamp 0 is slot 1521.
    const offsetMs = resumeOffsetMs(30_000, 417);
    expect(offsetMs).toBe(30_420);
    const media = { track: 'inbound' as const, chunk: 1, timestampMs: 0, payload: Buffer.alloc(160) };
    expect(toAudioFrames(media, offsetMs)[0]).toMatchObject({ sequence: 1521, audioTimeMs: 30_420 });
    expect(toAudioFrames({ ...media, timestampMs: 40 }, offsetMs)[0].sequence).toBe(1523);
    // A clock step back never moves it before the audio already received.
    expect(resumeOffsetMs(30_000, -50)).toBe(30_000);
  });

  it('keeps a track on its 20 ms slots whatever the payload lengths, losing no audio', () => {
    const batcherOf = () =>
      createChannelBatcher({
        callId: 'c',
        tenant: 't',
        channel: 'customer',
        codec: 'pcmu',
        sampleRateHz: 8000,
        maxChunkMs: 1_000_000,
        maxGapFillMs: 5_000,
      });
    const stream = (payloads: { atMs: number; bytes: number }[]) => {
      const batcher = batcherOf();
      const framer = createTwilioFramer();
      const emit = (frame: RawAudioFrame) => batcher.add(frame.payload, frame.sequence, 0);
      let value = 0;
      for (const { atMs, bytes } of payloads) {
        const payload = Buffer.alloc(bytes);
        for (let i = 0; i < bytes; i++) payload[i] = (value++ % 200) + 1; // never 0xFF
        framer.push({ track: 'inbound', chunk: 0, timestampMs: atMs, payload }, 0, emit);
      }
      framer.flush(emit);
      return { audio: batcher.flush(0, true)?.payload as Uint8Array, stats: batcher.stats };
    };
    // 10 ms payloads (80 bytes): every byte kept, in order, no duplicate dropped.
    const halves = stream(Array.from({ length: 100 }, (_, k) => ({ atMs: k * 10, bytes: 80 })));
    expect(halves.audio.byteLength).toBe(8000);
    expect(halves.stats).toMatchObject({ duplicates: 0, framesMissing: 0 });
    expect(Array.from(halves.audio.subarray(0, 3))).toEqual([1, 2, 3]);
    // One 1-byte payload at slot 100 and a 40 ms one at slot 200: later slots keep their time.
    const odd = stream(
      Array.from({ length: 500 }, (_, slot) => slot)
        .filter((slot) => slot !== 201)
        .map((slot) => ({ atMs: slot * 20, bytes: slot === 100 ? 1 : slot === 200 ? 320 : 160 })),
    );
    expect(odd.audio.byteLength).toBe(500 * 160);
    expect(odd.stats).toMatchObject({ duplicates: 0, framesMissing: 0 });
    expect(odd.audio[100 * 160 + 1]).toBe(0xff); // the short payload's slot: padded with silence
    expect(odd.audio[101 * 160]).not.toBe(0xff);
    expect(toAudioFrames({ track: 'inbound', chunk: 1, timestampMs: 0, payload: Buffer.alloc(0) })).toEqual(
      [],
    );
    // After a short payload, whole ones on their slots pass on as they came again (no copy).
    const framer = createTwilioFramer();
    const got: RawAudioFrame[] = [];
    framer.push({ track: 'inbound', chunk: 0, timestampMs: 0, payload: Buffer.alloc(1) }, 0, (f) =>
      got.push(f),
    );
    const whole = Buffer.alloc(160, 5);
    framer.push({ track: 'inbound', chunk: 1, timestampMs: 20, payload: whole }, 0, (f) => got.push(f));
    expect(got.map((f) => f.sequence)).toEqual([0, 1]);
    expect(got[1].payload).toBe(whole);
  });

  it('accepts connected, mark, dtmf and stop, and ignores unknown events', () => {
    expect(parseTwilioMessage('{"event":"connected","protocol":"Call","version":"1.0.0"}').event).toBe(
      'connected',
    );
    expect(parseTwilioMessage(`{"event":"mark","streamSid":"${STREAM}","mark":{"name":"x"}}`).event).toBe(
      'mark',
    );
    expect(parseTwilioMessage(`{"event":"dtmf","dtmf":{"track":"inbound_track","digit":"1"}}`).event).toBe(
      'dtmf',
    );
    expect(parseTwilioMessage(`{"event":"stop","streamSid":"${STREAM}"}`).event).toBe('stop');
    expect(parseTwilioMessage('{"event":"future"}').event).toBe('unknown');
  });

  it('refuses malformed messages and unsupported media with stable codes', () => {
    const start = (over: Record<string, unknown>) => () => {
      const message = parseTwilioMessage(startMessage(over));
      if (message.event === 'start') toCallStart(message.start, 'acme');
    };
    expect(codeOf(() => parseTwilioMessage('nope'))).toBe('BAD_MESSAGE');
    expect(codeOf(() => parseTwilioMessage('{"media":{}}'))).toBe('BAD_MESSAGE');
    expect(codeOf(start({ callSid: 'CA1' }))).toBe('BAD_MESSAGE');
    expect(codeOf(start({ tracks: ['inbound', 'inbound'] }))).toBe('BAD_CHANNEL_LAYOUT');
    expect(codeOf(start({ tracks: ['both'] }))).toBe('BAD_CHANNEL_LAYOUT');
    expect(codeOf(start({ customParameters: { consentAnalytics: 'yes' } }))).toBe('BAD_METADATA');
    const format = (encoding: string, sampleRate: number, channels: number) =>
      start({ mediaFormat: { encoding, sampleRate, channels } });
    expect(codeOf(format('audio/x-alaw', 8000, 1))).toBe('UNSUPPORTED_CODEC');
    expect(codeOf(format('audio/x-mulaw', 16000, 1))).toBe('UNSUPPORTED_SAMPLE_RATE');
    expect(codeOf(format('audio/x-mulaw', 8000, 2))).toBe('BAD_CHANNEL_LAYOUT');
    const media = (body: Record<string, unknown>) => () =>
      parseTwilioMessage(JSON.stringify({ event: 'media', media: body }));
    expect(codeOf(media({ track: 'inbound', chunk: '1', timestamp: '0', payload: 'a*==' }))).toBe(
      'BAD_FRAME',
    );
    expect(codeOf(media({ track: 'inbound', chunk: '1', timestamp: '-5', payload: '' }))).toBe('BAD_MESSAGE');
  });
});
