// GRPC TLS and Kafka TLS / SASL settings are parsed and checked at start, and
// production refuses plaintext unless a named setting allows it (GRPC_ALLOW_PLAINTEXT,
// KAFKA_ALLOW_PLAINTEXT). Errors name the variable and never echo a password.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { kafkaSecurityOf } from '../../../../services/shared/kafka-security.ts';
import { thrownError } from '../../../support/thrown.ts';
import { selfSignedTlsPair } from '../../../support/tls-pair.ts';

const FIXTURES = join(import.meta.dirname, '../../../int/ingest/fixtures');
const dir = mkdtempSync(join(tmpdir(), 'va-kafka-sec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const passwordFile = join(dir, 'password');
const SECRET = 'a-sasl-password-never-shown';
writeFileSync(passwordFile, `${SECRET}\n`);

const problems = (load: () => unknown) => thrownError(load, ConfigError).problems;

describe('Kafka TLS and SASL settings', () => {
  it('are plaintext and silent by default outside production', () => {
    expect(kafkaSecurityOf({})).toEqual({ security: {}, warnings: [] });
  });

  it('refuse plaintext in production unless KAFKA_ALLOW_PLAINTEXT=true, which is warned about', () => {
    expect(problems(() => kafkaSecurityOf({ NODE_ENV: 'production' }))).toEqual([
      expect.stringMatching(/^KAFKA_SSL: production needs TLS.*KAFKA_ALLOW_PLAINTEXT/),
    ]);
    expect(kafkaSecurityOf({ VA_MODE: 'production', KAFKA_ALLOW_PLAINTEXT: 'true' }).warnings).toEqual([
      expect.stringMatching(/plaintext Kafka/),
    ]);
    expect(kafkaSecurityOf({ VA_MODE: 'production', KAFKA_SSL: 'true' })).toEqual({
      security: { ssl: true },
      warnings: [],
    });
  });

  it('read the CA, a client certificate and a SCRAM password from files', () => {
    const { security } = kafkaSecurityOf({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(FIXTURES, 'test-tls.crt'),
      KAFKA_SSL_CERT_FILE: join(FIXTURES, 'test-tls.crt'),
      KAFKA_SSL_KEY_FILE: join(FIXTURES, 'test-tls.key'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'va-gateway',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(security.ssl).toMatchObject({
      ca: [expect.stringContaining('BEGIN CERTIFICATE')],
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
      key: expect.stringContaining('PRIVATE KEY'),
    });
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'va-gateway', password: SECRET });
  });

  it("refuse the repository's published test pair as CA, certificate or key in production", () => {
    const files = {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(FIXTURES, 'test-tls.crt'),
      KAFKA_SSL_CERT_FILE: join(FIXTURES, 'test-tls-renewed.crt'),
      KAFKA_SSL_KEY_FILE: join(FIXTURES, 'test-tls-renewed.key'),
    };
    const error = thrownError(() => kafkaSecurityOf({ ...files, VA_MODE: 'production' }), ConfigError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toEqual(
      ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'].map(
        (variable) =>
          `${variable}: the certificate or key is a published test pair of this repository; use your own`,
      ),
    );
    expect(kafkaSecurityOf(files).security.ssl).toMatchObject({ cert: expect.stringContaining('BEGIN') });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['an unknown mechanism', { KAFKA_SASL_MECHANISM: 'gssapi' }, /^KAFKA_SASL_MECHANISM/],
    ['a mechanism without a user', { KAFKA_SASL_MECHANISM: 'plain' }, /^KAFKA_SASL_MECHANISM: needs/],
    [
      'a user without a mechanism',
      { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET },
      /^KAFKA_SASL_MECHANISM: set it/,
    ],
    [
      'a password and a password file',
      {
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: SECRET,
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
      },
      /^KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE/,
    ],
    ['a CA file without KAFKA_SSL', { KAFKA_SSL_CA_FILE: passwordFile }, /^KAFKA_SSL: set KAFKA_SSL=true/],
    [
      'a certificate without its key',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: passwordFile },
      /^KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE/,
    ],
    [
      'a missing CA file',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'nope') },
      /^KAFKA_SSL_CA_FILE: cannot read/,
    ],
    ['a non-boolean KAFKA_SSL', { KAFKA_SSL: 'yes' }, /^KAFKA_SSL: must be true or false/],
  ])('refuse %s, naming the variable and not the password', (_what, env, expected) => {
    const found = problems(() => kafkaSecurityOf(env));
    expect(found).toContainEqual(expect.stringMatching(expected));
    expect(found.join('\n')).not.toContain(SECRET);
  });
});

describe('gRPC TLS of the gateway', () => {
  // A pair of its own: production refuses the committed fixtures, whose keys are published.
  const own = selfSignedTlsPair();
  const ownCert = join(dir, 'own.crt');
  const ownKey = join(dir, 'own.key');
  writeFileSync(ownCert, own.cert);
  writeFileSync(ownKey, own.key);
  const production = {
    KAFKA_BROKERS: '127.0.0.1:9092',
    NODE_ENV: 'production',
    TENANT_TOKENS: `acme=${randomBytes(33).toString('base64url')}`,
    CUSTOMER_REF_KEYS: `acme=${randomBytes(33).toString('base64url')}`,
  };

  it('is required in production, unless GRPC_ALLOW_PLAINTEXT=true, which is warned about', () => {
    expect(problems(() => loadGatewayConfig(production))).toEqual([
      expect.stringMatching(/^TLS_CERT_FILE, TLS_KEY_FILE: production needs TLS.*GRPC_ALLOW_PLAINTEXT/),
    ]);
    const allowed = loadGatewayConfig({ ...production, GRPC_ALLOW_PLAINTEXT: 'true' });
    expect([allowed.tls, allowed.warnings]).toEqual([
      null,
      ['plaintext allowed by GRPC_ALLOW_PLAINTEXT=true: gRPC'],
    ]);
    // The WebSocket adapters share the switch: the warning names them.
    const withL16 = loadGatewayConfig({
      ...production,
      GRPC_ALLOW_PLAINTEXT: 'true',
      L16WS_PORT: '0',
      L16WS_SOURCES: JSON.stringify({
        pbx: { tenant: 'acme', secret: randomBytes(33).toString('base64url') },
      }),
    });
    expect(withL16.warnings).toEqual([
      'plaintext allowed by GRPC_ALLOW_PLAINTEXT=true: gRPC, L16 WebSocket (ws://)',
    ]);
  });

  it('loads the certificate and key files', () => {
    const config = loadGatewayConfig({ ...production, TLS_CERT_FILE: ownCert, TLS_KEY_FILE: ownKey });
    expect(config.tls?.certChain.toString()).toContain('BEGIN CERTIFICATE');
    expect(config.warnings).toEqual([]);
  });

  it("names a TLS file that is not PEM, or a key that is not the certificate's, before listening", () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-tls-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'not a key');
    const otherKey = join(dir, 'other.key');
    writeFileSync(
      otherKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const tls = (cert: string, key: string) =>
      problems(() => loadGatewayConfig({ ...production, TLS_CERT_FILE: cert, TLS_KEY_FILE: key }));
    expect(tls(ownCert, notPem)).toEqual(['TLS_KEY_FILE: not an unencrypted PEM private key']);
    expect(tls(notPem, ownKey)).toEqual(['TLS_CERT_FILE: not a PEM certificate']);
    expect(tls(ownCert, otherKey)).toEqual([
      "TLS_KEY_FILE: not the private key of TLS_CERT_FILE's certificate",
    ]);
  });

  it("refuses the repository's published test pair in production, by its public key", () => {
    const fixtures = {
      TLS_CERT_FILE: join(FIXTURES, 'test-tls.crt'),
      TLS_KEY_FILE: join(FIXTURES, 'test-tls.key'),
    };
    expect(problems(() => loadGatewayConfig({ ...production, ...fixtures }))).toEqual(
      ['TLS_CERT_FILE', 'TLS_KEY_FILE'].map(
        (variable) =>
          `${variable}: the certificate or key is a published test pair of this repository; use your own`,
      ),
    );
    expect(loadGatewayConfig({ ...production, ...fixtures, NODE_ENV: 'test' }).tls).not.toBeNull();
  });

  it('stays optional outside production', () => {
    expect(loadGatewayConfig({ ...production, NODE_ENV: 'test' }).warnings).toEqual([]);
  });
});
