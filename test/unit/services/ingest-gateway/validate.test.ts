// CallStart and AudioFrame validation: typed errors with the gRPC status each maps to.
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import {
  validateCallStart,
  validateFrame,
  type RawCallStart,
} from '../../../../services/ingest-gateway/validate.ts';
import { thrownError } from '../../../support/thrown.ts';

const raw: RawCallStart = {
  callId: 'call-1',
  tenant: '',
  agentId: 'a',
  queue: 'q',
  customerRef: 'crm',
  startTimeMs: 0,
  codec: 'CODEC_PCMA',
  sampleRateHz: 8000,
  channels: [],
  consent: null,
  team: 't',
};

const error = (fn: () => unknown) => thrownError(fn, IngestError);

describe('validateCallStart', () => {
  it('fills defaults: both channels, no consent, token tenant, start time now', () => {
    expect(validateCallStart(raw, 'acme', 1234)).toMatchObject({
      callId: 'call-1',
      tenant: 'acme',
      codec: 'pcma',
      channels: ['agent', 'customer'],
      consent: { analytics: false, storeFeatures: false },
      startTimeMs: 1234,
    });
  });

  it('keeps names in NFC (one agent however the platform composed "René"), a customer reference as sent', () => {
    const nfd = 'Rene\u0301';
    const spec = validateCallStart(
      { ...raw, agentId: nfd, team: `Équipe ${nfd}`, queue: nfd, customerRef: nfd },
      'acme',
      1,
    );
    expect([spec.agentId, spec.team, spec.queue]).toEqual(['Ren\u00e9', `Équipe Ren\u00e9`, 'Ren\u00e9']);
    expect(spec.customerRef).toBe(nfd);
  });

  it("takes a start time ahead of the gateway's clock as the gateway's now (a call never ends before it starts)", () => {
    const now = Date.UTC(2026, 11, 7, 9, 0, 0);
    for (const aheadMs of [60_000, 3_600_000])
      expect(validateCallStart({ ...raw, startTimeMs: now + aheadMs }, 'acme', now).startTimeMs).toBe(now);
    expect(validateCallStart({ ...raw, startTimeMs: now - 5_000 }, 'acme', now).startTimeMs).toBe(
      now - 5_000,
    );
  });

  it('keeps the call a transfer continues (previous_call_id), never the call itself', () => {
    expect(validateCallStart({ ...raw, previousCallId: 'connect-7f3a' }, 'acme', 0).previousCallId).toBe(
      'connect-7f3a',
    );
    expect(validateCallStart(raw, 'acme', 0).previousCallId).toBe('');
    const itself = error(() => validateCallStart({ ...raw, previousCallId: raw.callId }, 'acme', 0));
    expect(itself.code).toBe('BAD_PREVIOUS_CALL_ID');
  });

  it('generates a call id when none is given', () => {
    expect(validateCallStart({ ...raw, callId: '' }, 'acme', 0).callId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [{ codec: 'CODEC_UNSPECIFIED' }, 'UNSUPPORTED_CODEC', 'INVALID_ARGUMENT'],
    [{ sampleRateHz: 44100 }, 'UNSUPPORTED_SAMPLE_RATE', 'INVALID_ARGUMENT'],
    [{ callId: 'a:b' }, 'BAD_CALL_ID', 'INVALID_ARGUMENT'],
    [{ previousCallId: 'a:b' }, 'BAD_PREVIOUS_CALL_ID', 'INVALID_ARGUMENT'],
    [{ previousCallId: 'x'.repeat(129) }, 'BAD_PREVIOUS_CALL_ID', 'INVALID_ARGUMENT'],
    [{ channels: ['CHANNEL_AGENT', 'CHANNEL_AGENT'] }, 'BAD_CHANNEL_LAYOUT', 'INVALID_ARGUMENT'],
    [{ channels: ['CHANNEL_UNSPECIFIED'] }, 'BAD_CHANNEL_LAYOUT', 'INVALID_ARGUMENT'],
    [{ tenant: 'other' }, 'TENANT_MISMATCH', 'PERMISSION_DENIED'],
    [{ agentId: 'x'.repeat(300) }, 'BAD_METADATA', 'INVALID_ARGUMENT'],
  ])('rejects %o with %s', (change, code, status) => {
    const caught = error(() => validateCallStart({ ...raw, ...change } as RawCallStart, 'acme', 0));
    expect([caught.code, caught.status]).toEqual([code, status]);
  });
});

describe('validateFrame', () => {
  const spec = validateCallStart(
    { ...raw, codec: 'CODEC_LINEAR16', channels: ['CHANNEL_CUSTOMER'] },
    'acme',
    0,
  );
  const frame = (channel: string, bytes: number) => ({
    channel,
    sequence: 0,
    audioTimeMs: 0,
    payload: Buffer.alloc(bytes),
  });

  it('returns the channel of a good frame', () => {
    expect(validateFrame(frame('CHANNEL_CUSTOMER', 320), spec, 1000)).toBe('customer');
  });

  it.each([
    ['CHANNEL_AGENT', 320, 'UNDECLARED_CHANNEL'],
    ['CHANNEL_CUSTOMER', 2000, 'FRAME_TOO_LARGE'],
    ['CHANNEL_CUSTOMER', 321, 'BAD_FRAME'],
    ['CHANNEL_CUSTOMER', 0, 'BAD_FRAME'],
  ])('rejects a %s frame of %i bytes with %s', (channel, bytes, code) => {
    const caught = error(() => validateFrame(frame(channel, bytes), spec, 1000));
    expect([caught.code, caught.status]).toEqual([code, 'INVALID_ARGUMENT']);
  });

  it('rejects an audio time outside a day', () => {
    const bad = { ...frame('CHANNEL_CUSTOMER', 320), audioTimeMs: 90_000_000 };
    expect(error(() => validateFrame(bad, spec, 1000)).code).toBe('BAD_FRAME');
  });
});

describe('interleaved frames', () => {
  const spec = validateCallStart({ ...raw, codec: 'CODEC_LINEAR16', interleaved: true }, 'acme', 0);
  const stereo = (bytes: number, channel = 'CHANNEL_UNSPECIFIED') => ({
    channel,
    sequence: 0,
    audioTimeMs: 0,
    payload: Buffer.alloc(bytes),
  });

  it('accepts whole stereo samples up to the per-channel limit times the channels', () => {
    expect(spec.interleaved).toBe(true);
    expect(validateFrame(stereo(640), spec, 320)).toBeNull();
    expect(error(() => validateFrame(stereo(644), spec, 320)).code).toBe('FRAME_TOO_LARGE');
  });

  it('refuses half a stereo sample and a frame that names a channel', () => {
    expect(error(() => validateFrame(stereo(642), spec, 640)).code).toBe('BAD_FRAME');
    expect(error(() => validateFrame(stereo(640, 'CHANNEL_AGENT'), spec, 640)).code).toBe(
      'UNDECLARED_CHANNEL',
    );
  });
});
