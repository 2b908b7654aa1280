// The production secret policy refuses typed sequences and repeated patterns that pass the length
// and distinct-character checks, and never a random key (base64url or hex, as the checklist makes);
// and the TLS test pairs this repository publishes, by public key, however they are encoded.
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfSignedTlsPair } from '../../../support/tls-pair.ts';
import { DEVELOPMENT_CUSTOMER_REF_KEY } from '../../../../services/ingest-gateway/customer-ref.ts';
import {
  PUBLISHED_TLS_PUBLIC_KEYS,
  publicKeyFingerprint,
  publishedTlsProblems,
  secretProblems,
} from '../../../../services/shared/secret-policy.ts';

const FIXTURES = join(import.meta.dirname, '../../../int/ingest/fixtures');

describe('secretProblems', () => {
  it('refuses runs and repeated patterns, naming neither value', () => {
    for (const value of [
      '01234567890123456789012345678901',
      'abcdefghijklmnopqrstuvwxyzabcdef',
      'zyxwvutsrqponmlkjihgfedcbazyxwvu',
      'Qw3rTy7!Zp9KQw3rTy7!Zp9KQw3rTy7!Zp9K',
    ]) {
      const problems = secretProblems('JWT_SECRET', value, 'JWT key');
      expect(problems, value).toEqual([
        'JWT_SECRET: the JWT key is a run or a repeated pattern (0123…, abcd…), not random',
      ]);
    }
  });

  it('refuses placeholder words, the short ones as whole words only', () => {
    const placeholder = 'K: the secret looks like a placeholder (change-me, demo, example, …)';
    for (const value of [
      'demo-token-for-the-pilot-0a9b8c7d6e5f',
      'testtoken-Zq8vR4pL6nT0yB3mQ7hF1sD5gCx9k',
      'x9Zq-test-k2Jw8vR4pL6nT0yB3mQ7hF1sD5gC',
      'my-Secret-9f8e7d6c5b4a39281706',
      '<generate-with-openssl-rand-base64-36>',
      'YOUR_JWT_KEY_HERE_32_CHARACTERS_MINIMUM',
      '${JWT_SIGNING_KEY_FROM_THE_VAULT_0a9b8c7d}',
      '$(openssl rand -base64 36 | tr -d = | cut)',
      'qwertyuiopasdfghjklzxcvbnm1234567890',
    ])
      expect(secretProblems('K', value)).toContain(placeholder);
    // Inside random characters "test" is chance, not a placeholder.
    expect(secretProblems('K', 'k2Jw8vR4pLtEsT6nT0yB3mQ7hF1sD5gCx9Zq')).toEqual([]);
  });

  it('refuses the development and documentation values this repository publishes', () => {
    for (const value of [
      DEVELOPMENT_CUSTOMER_REF_KEY,
      'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh',
      'TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=',
    ])
      expect(secretProblems('K', value, 'key', 16)).toEqual([
        'K: the key is a published default of this repository; generate your own',
      ]);
  });

  it('accepts random keys, including those that spell a placeholder word in mixed case', () => {
    // Found among 800 000 random keys: "yOur_" was taken for "your_".
    expect(secretProblems('K', 'cHp_UZt_dG3wWLE8Vx1O7zKEumqvjOkgC2yOur_tLnlye0sj')).toEqual([]);
    expect(secretProblems('K', 'YOUR_JWT_KEY_HERE_please_fill_in_0123')).not.toEqual([]);
    // A fixed sequence of keys (sha256 chains), so one run is the next run: with random ones the
    // test failed about one run in a hundred ("dEMO…" at the start, review).
    let seed = createHash('sha256').update('secret-policy').digest();
    for (let i = 0; i < 2000; i++) {
      seed = createHash('sha256').update(seed).digest();
      const key = Buffer.concat([seed, createHash('sha256').update(seed).digest()]);
      expect(secretProblems('K', key.subarray(0, 36).toString('base64url'))).toEqual([]);
      expect(secretProblems('K', key.subarray(0, 32).toString('hex'))).toEqual([]);
    }
  });
});

describe('publishedTlsProblems', () => {
  const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
  const refused = (variable: string) => [
    `${variable}: the certificate or key is a published test pair of this repository; use your own`,
  ];

  it("knows the fixtures' public keys (a regenerated pair must be added to the list)", () => {
    const fingerprints = ['test-tls.crt', 'test-tls.key', 'test-tls-renewed.crt', 'test-tls-renewed.key'].map(
      (name) => publicKeyFingerprint(fixture(name)),
    );
    expect(new Set(fingerprints)).toEqual(PUBLISHED_TLS_PUBLIC_KEYS);
  });

  it('refuses the test certificates and keys, re-encoded or at the head of a chain', () => {
    for (const name of ['test-tls.crt', 'test-tls.key', 'test-tls-renewed.crt', 'test-tls-renewed.key'])
      expect(publishedTlsProblems('TLS_CERT_FILE', fixture(name)), name).toEqual(refused('TLS_CERT_FILE'));
    const key = createPrivateKey(fixture('test-tls.key'));
    const sec1 = key.export({ type: 'sec1', format: 'pem' });
    expect(publishedTlsProblems('TLS_KEY_FILE', sec1)).toEqual(refused('TLS_KEY_FILE'));
    expect(publishedTlsProblems('TLS_KEY_FILE', fixture('test-tls.key').replace(/\n/g, '\r\n'))).toEqual(
      refused('TLS_KEY_FILE'),
    );
    const chain = fixture('test-tls.crt') + fixture('test-tls-renewed.crt');
    expect(publishedTlsProblems('TLS_CERT_FILE', Buffer.from(chain))).toEqual(refused('TLS_CERT_FILE'));
    // Anywhere in a CA bundle, which trusts every certificate in it (only the first was read).
    const bundle = selfSignedTlsPair().cert + fixture('test-tls.crt');
    expect(publishedTlsProblems('KAFKA_SSL_CA_FILE', bundle)).toEqual(refused('KAFKA_SSL_CA_FILE'));
    expect(publishedTlsProblems('KAFKA_SSL_CA_FILE', selfSignedTlsPair().cert)).toEqual([]);
  });

  it('accepts a key of your own and leaves what is not PEM to the format checks', () => {
    const own = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(publishedTlsProblems('TLS_KEY_FILE', own)).toEqual([]);
    expect(publishedTlsProblems('TLS_KEY_FILE', 'not a key')).toEqual([]);
  });
});
