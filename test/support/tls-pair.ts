// A fresh self-signed TLS pair (P-256, CN=localhost), made in-process with node:crypto: for
// tests of production-mode configs, where the committed fixtures (test/int/ingest/fixtures) are
// refused as published keys (services/shared/secret-policy.ts). Node has no certificate builder,
// so the certificate's few DER fields are written here. Pure but for the key's randomness.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** DER: tag, definite length, content. */
function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const sequence = (...content: Buffer[]) => tlv(0x30, ...content);
const oid = (der: string) => tlv(0x06, Buffer.from(der, 'hex'));
const ECDSA_WITH_SHA256 = oid('2a8648ce3d040302'); // 1.2.840.10045.4.3.2
const COMMON_NAME = oid('550403'); // 2.5.4.3
const name = (cn: string) => sequence(tlv(0x31, sequence(COMMON_NAME, tlv(0x0c, Buffer.from(cn)))));
/** UTCTime, YYMMDDHHMMSSZ (years before 2050). */
const utcTime = (date: Date) =>
  tlv(0x17, Buffer.from(date.toISOString().replace(/\D/g, '').slice(2, 14) + 'Z'));

export interface TlsPairPem {
  cert: string;
  key: string;
}

/** A certificate valid from yesterday for `days` days, and its unencrypted PKCS#8 key. */
export function selfSignedTlsPair(days = 30): TlsPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, Buffer.concat([Buffer.from([1]), randomBytes(15)])), // positive serial
    sequence(ECDSA_WITH_SHA256),
    name('localhost'),
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + days * 86_400_000))),
    name('localhost'),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, sequence(ECDSA_WITH_SHA256), tlv(0x03, Buffer.from([0]), signature));
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
