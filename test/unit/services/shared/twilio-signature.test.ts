// X-Twilio-Signature against Twilio's published validation example (the helper libraries' own
// test vector: auth token 12345, https://mycompany.com/myapp.php?foo=1&bar=2 and five POST
// parameters), and the WebSocket upgrade's case: the URL alone, default port or not.
import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from '../../../../services/shared/twilio-signature.ts';

const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('Twilio request signature', () => {
  it("reproduces Twilio's published example", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature(TOKEN, URL, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', PARAMS)).toBe(true);
  });

  it('accepts the signature of the URL with its default port spelled out, as the libraries do', () => {
    // The libraries' vector for the same request signed as https://mycompany.com:443/…
    expect(verifyTwilioSignature(TOKEN, URL, 'kvajT1Ptam85bY51eRf/AJRuM3w=', PARAMS)).toBe(true);
    const wss = 'wss://ingest.example.com/twilio?site=lyon';
    const withPort = twilioSignature(TOKEN, 'wss://ingest.example.com:443/twilio?site=lyon');
    expect(verifyTwilioSignature(TOKEN, wss, withPort)).toBe(true);
  });

  it('refuses another URL, another token, other parameters or a non-default port', () => {
    const signature = twilioSignature(TOKEN, URL, PARAMS);
    expect(verifyTwilioSignature(TOKEN, URL.replace('bar=2', 'bar=3'), signature, PARAMS)).toBe(false);
    expect(verifyTwilioSignature('54321', URL, signature, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, signature, { ...PARAMS, Digits: '9' })).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL.replace('.com', '.com:8443'), signature, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, '', PARAMS)).toBe(false);
  });
});
