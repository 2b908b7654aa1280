// The AudioHook upgrade signature (RFC 9421 hmac-sha256): the AudioHook documentation's published
// example verifies (as the reference implementation's test "Verify AudioHook documentation
// example" replays it), and tampering, another key, a stale or future `created`, an expired
// signature, a missing covered header or a wrong keyid are each refused with their own code.
import { describe, expect, it } from 'vitest';
import {
  signAudioHookRequest,
  verifyAudioHookSignature,
  type SignedRequest,
} from '../../../../../services/shared/audiohook/signature.ts';

// The example of the AudioHook protocol documentation ("Authentication" section).
const EXAMPLE: SignedRequest = {
  target: '/api/v1/voicebiometrics/ws',
  headers: {
    host: 'audiohook.example.com',
    'audiohook-organization-id': 'd7934305-0972-4844-938e-9060eef73d05',
    'audiohook-session-id': '30b0e395-84d3-4570-ac13-9a62d8f514c0',
    'audiohook-correlation-id': 'e160e428-53e2-487c-977d-96989bf5c99d',
    'x-api-key': 'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh',
    signature: 'sig1=:NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:',
    'signature-input':
      'sig1=("@request-target" "@authority" "audiohook-organization-id" "audiohook-session-id" ' +
      '"audiohook-correlation-id" "x-api-key");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";' +
      'nonce="VGhpc0lzQVVuaXF1ZU5vbmNl";alg="hmac-sha256";created=1641013200;expires=3282026430',
  },
};
const EXAMPLE_SECRET = Buffer.from('TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=', 'base64');
const API_KEY = 'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh';
const CREATED = 1641013200;

const verify = (request: SignedRequest, over: Partial<Parameters<typeof verifyAudioHookSignature>[1]> = {}) =>
  verifyAudioHookSignature(request, {
    key: EXAMPLE_SECRET,
    apiKey: API_KEY,
    nowS: CREATED + 1,
    maxAgeS: 60,
    ...over,
  });

const withHeaders = (headers: Record<string, string>): SignedRequest => ({
  ...EXAMPLE,
  headers: { ...EXAMPLE.headers, ...headers },
});

describe('AudioHook upgrade signature', () => {
  it("verifies the AudioHook documentation's published example", () => {
    expect(verify(EXAMPLE)).toEqual({
      ok: true,
      nonce: 'VGhpc0lzQVVuaXF1ZU5vbmNl',
      createdS: CREATED,
      expiresS: 3282026430,
    });
  });

  it('refuses the example with any signed header changed, or another key', () => {
    expect(
      verify(withHeaders({ 'audiohook-session-id': '30b0e395-84d3-4570-ac13-9a62d8f514c1' })),
    ).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verify(withHeaders({ host: 'evil.example.com' }))).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(verify({ ...EXAMPLE, target: '/api/v1/other' })).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(verify(EXAMPLE, { key: Buffer.alloc(32, 1) })).toMatchObject({ code: 'BAD_SIGNATURE' });
    // A valid MAC for another keyid than the API key presented is no proof of that key.
    expect(verify(EXAMPLE, { apiKey: 'another-api-key' })).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses stale, future and expired signatures', () => {
    expect(verify(EXAMPLE, { nowS: CREATED + 3600 })).toMatchObject({ code: 'STALE_SIGNATURE' });
    expect(verify(EXAMPLE, { nowS: CREATED - 60 })).toMatchObject({ code: 'STALE_SIGNATURE' });
    const signed = signAudioHookRequest(EXAMPLE, {
      apiKey: API_KEY,
      key: EXAMPLE_SECRET,
      nonce: 'n-1',
      createdS: CREATED,
      expiresS: CREATED + 10,
    });
    expect(verify(withHeaders(signed))).toMatchObject({ ok: true });
    expect(verify(withHeaders(signed), { nowS: CREATED + 30 })).toMatchObject({ code: 'STALE_SIGNATURE' });
  });

  it('refuses unsigned requests, unparsable headers and partial coverage', () => {
    const { signature: _s, 'signature-input': _i, ...unsigned } = EXAMPLE.headers;
    expect(verify({ ...EXAMPLE, headers: unsigned })).toMatchObject({ code: 'MISSING_SIGNATURE' });
    expect(verify(withHeaders({ 'signature-input': 'sig1=("@authority"' }))).toMatchObject({
      code: 'BAD_SIGNATURE_INPUT',
    });
    const partial = String(EXAMPLE.headers['signature-input']).replace(' "x-api-key"', '');
    expect(verify(withHeaders({ 'signature-input': partial }))).toMatchObject({
      code: 'BAD_SIGNATURE_INPUT',
    });
    const hs512 = String(EXAMPLE.headers['signature-input']).replace('hmac-sha256', 'hmac-sha512');
    expect(verify(withHeaders({ 'signature-input': hs512 }))).toMatchObject({
      code: 'UNSUPPORTED_SIGNATURE',
    });
  });

  it('signs what it verifies (the test and load clients sign as Genesys does)', () => {
    const signed = signAudioHookRequest(EXAMPLE, {
      apiKey: API_KEY,
      key: EXAMPLE_SECRET,
      nonce: 'VGhpc0lzQVVuaXF1ZU5vbmNl',
      createdS: CREATED,
      expiresS: 3282026430,
    });
    // Same covered components and parameters as the documentation: the same bytes.
    expect(signed).toEqual({
      'signature-input': EXAMPLE.headers['signature-input'],
      signature: EXAMPLE.headers.signature,
    });
  });
});
