// The Twilio adapter's options: off unless TWILIO_PORT is set; accounts from the variable (lines
// or JSON) mapped to known tenants; every problem a CONFIG_INVALID naming the variable, never a token.
import { describe, expect, it } from 'vitest';
import { loadTwilioConfig } from '../../../../services/ingest-gateway/twilio-config.ts';
import { configProblems } from '../../../support/thrown.ts';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const SID2 = 'AC' + 'fedcba9876543210'.repeat(2);
const TOKEN = 'f3c1a2b4d5e6f708192a3b4c5d6e7f80';
const TENANTS = ['acme', 'beta'];
const base = { TWILIO_PORT: '8443', TWILIO_PUBLIC_URL: 'wss://ingest.example.com/' };

const problems = (env: Record<string, string>) => configProblems(() => loadTwilioConfig(env, TENANTS));

describe('Twilio adapter configuration', () => {
  it('is off without TWILIO_PORT', () => {
    expect(loadTwilioConfig({}, TENANTS)).toBeNull();
  });

  it('maps accounts to tenants from lines or JSON', () => {
    const lines = loadTwilioConfig({ ...base, TWILIO_ACCOUNTS: `${SID}=acme:${TOKEN}` }, TENANTS);
    expect(lines).toMatchObject({ port: 8443, publicUrl: 'wss://ingest.example.com' });
    expect(lines?.accounts.get(SID)).toEqual({ tenant: 'acme', authToken: TOKEN });
    const json = loadTwilioConfig(
      { ...base, TWILIO_ACCOUNTS: JSON.stringify({ [SID2]: { tenant: 'beta', authToken: TOKEN } }) },
      TENANTS,
    );
    expect(json?.accounts.get(SID2)?.tenant).toBe('beta');
  });

  it('takes ws:// only outside production (the signature could be replayed from clear text)', () => {
    const plain = {
      TWILIO_PORT: '8443',
      TWILIO_PUBLIC_URL: 'ws://127.0.0.1:8443',
      TWILIO_ACCOUNTS: `${SID}=acme:${TOKEN}`,
    };
    expect(loadTwilioConfig(plain, TENANTS)?.publicUrl).toBe('ws://127.0.0.1:8443');
    expect(configProblems(() => loadTwilioConfig(plain, TENANTS, true))).toEqual([
      'TWILIO_PUBLIC_URL: must be wss:// in production (ws:// is for local tests)',
    ]);
    expect(loadTwilioConfig({ ...plain, ...base }, TENANTS, true)?.publicUrl).toBe(
      'wss://ingest.example.com',
    );
  });

  it('names each problem without echoing a token', () => {
    expect(problems({ TWILIO_PORT: '8443' })[0]).toMatch(/^TWILIO_PUBLIC_URL: /);
    expect(problems({ ...base })[0]).toMatch(/^TWILIO_ACCOUNTS: /);
    expect(problems({ ...base, TWILIO_ACCOUNTS: `AC12=acme:${TOKEN}` })[0]).toMatch(
      /entry 1 of 1 .*: the Account SID is not AC \+ 32 hex digits/,
    );
    expect(problems({ ...base, TWILIO_ACCOUNTS: `${SID}=gamma:${TOKEN}` })[0]).toMatch(
      /the tenant has no tenant token/,
    );
    expect(problems({ ...base, TWILIO_ACCOUNTS: `${SID}=acme:short` })[0]).toMatch(/shorter than 16/);
    const shared = problems({ ...base, TWILIO_ACCOUNTS: `${SID}=acme:${TOKEN},${SID2}=beta:${TOKEN}` });
    expect(shared[0]).toMatch(/entry 2 of 2 .*: has the same auth token as entry 1/);
    expect(shared.join(' ')).not.toContain(TOKEN);
    expect(problems({ ...base, TWILIO_ACCOUNTS: `${SID}=acme:${TOKEN},${SID}=beta:${TOKEN}2` })[0]).toMatch(
      /entry 2 of 2 .*: the account is listed twice/,
    );
    expect(problems({ ...base, TWILIO_ACCOUNTS: `${SID}=acme` })[0]).toMatch(
      /needs a tenant and an auth token/,
    );
  });

  it('never prints an auth token from an entry written in another order', () => {
    // The operator swaps the parts: whichever field the token lands in, no message shows it.
    for (const swapped of [`acme:${TOKEN}=${SID}`, `${SID}=${TOKEN}:acme`, `${TOKEN}=acme:${SID}`]) {
      const found = problems({ ...base, TWILIO_ACCOUNTS: swapped });
      expect(found.length).toBeGreaterThan(0);
      expect(found.join(' ')).not.toContain(TOKEN);
    }
  });
});
