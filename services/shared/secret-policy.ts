// What production accepts as a shared secret (JWT keys, tenant tokens): long enough, not one of
// the defaults published in this repository (compose file, READMEs, tests), not an obvious
// placeholder; and as a TLS certificate or key: not one of the test pairs this repository
// publishes. Returns problems as "NAME: reason" lines for ConfigError; never echoes the value.
// Pure.
import { createHash, createPublicKey } from 'node:crypto';

/** Defaults that appear in this repository: anyone can read them, so they sign nothing real. */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'change-me-a-shared-secret-of-32-chars-or-more',
  'demo-token-change-me-0001',
  // The gateway's development customer-reference key (customer-ref.ts): as a production key,
  // anyone could test guessed phone numbers against the pseudonyms.
  'voice-analytics development customer reference key',
  // The AudioHook protocol documentation's example API key and client secret (in the tests).
  'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh',
  'TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=',
]);

/**
 * Words of placeholders people leave in place ("changeme", "example-secret", "demo-token…",
 * "<generate-with-openssl…>", "YOUR_JWT_KEY_HERE", an unexpanded "${JWT_SECRET}" or "$(openssl…)",
 * a keyboard row). The short ones count at the start or as whole words: "test" or "demo" turns up
 * inside about one random 48-character key in 10 000, which was then refused as a placeholder.
 */
const PLACEHOLDER =
  /change.?me|example|placeholder|password|secret|[^a-z0-9](demo|test)([^a-z0-9]|$)|^<.*>$|\$\{|\$\(|qwerty|asdfgh|zxcvbn/i;

/**
 * "your_…" and "…_here" as people write them, in one case: in any case ("yOur_") they turn up
 * inside about one random base64url key in a million, which was refused at start (a flaky test).
 * So does "demo…" / "test…" at the start: in any case ("dEMO…") one key in 500 000.
 */
const PLACEHOLDER_WORDS =
  /(your|YOUR|Your)[_-]|[_-](here|HERE|Here)([^A-Za-z0-9]|$)|^(demo|DEMO|Demo|test|TEST|Test)/;

/** A random 32-character secret has ~20+ distinct characters; "aaaa…" or "abab…" is not a key. */
const MIN_DISTINCT_CHARACTERS = 10;

export const PRODUCTION_MIN_SECRET_LENGTH = 32;

export function secretProblems(
  variable: string,
  value: string | undefined,
  what = 'secret',
  minLength = PRODUCTION_MIN_SECRET_LENGTH,
): string[] {
  if (value === undefined || value === '') return [`${variable}: a ${what} is required in production`];
  const problems: string[] = [];
  if (value.length < minLength)
    problems.push(`${variable}: the ${what} is shorter than ${minLength} characters`);
  if (PUBLISHED_SECRETS.has(value))
    problems.push(`${variable}: the ${what} is a published default of this repository; generate your own`);
  else if (PLACEHOLDER.test(value) || PLACEHOLDER_WORDS.test(value))
    problems.push(`${variable}: the ${what} looks like a placeholder (change-me, demo, example, …)`);
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS)
    problems.push(`${variable}: the ${what} has fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters`);
  else if (runShare(value) >= MAX_RUN_SHARE || repeatsPattern(value))
    problems.push(`${variable}: the ${what} is a run or a repeated pattern (0123…, abcd…), not random`);
  return problems;
}

/**
 * Share of neighbouring characters one code point apart ("0123…", "abcd…", "zyx…"): about 3 % in
 * a random base64 key, near 100 % in a typed sequence.
 */
const MAX_RUN_SHARE = 0.5;
function runShare(value: string): number {
  let steps = 0;
  for (let i = 1; i < value.length; i++)
    if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) === 1) steps++;
  return steps / Math.max(1, value.length - 1);
}

/** Whether the value is a pattern of at most a third of its length, repeated ("Qw3rTy7!Zp9KQw3rTy7!Zp9K…"). */
function repeatsPattern(value: string): boolean {
  for (let size = 1; size <= value.length / 3; size++) {
    let repeats = true;
    for (let i = size; i < value.length && repeats; i++) repeats = value[i] === value[i - size];
    if (repeats) return true;
  }
  return false;
}

/**
 * The TLS test pairs of this repository (test/int/ingest/fixtures: test-tls, test-tls-renewed),
 * by the sha256 of their public key (DER SubjectPublicKeyInfo): their private keys are published,
 * so whoever reads the repository can pose as the gateway that presents them. By public key, not
 * file bytes: the key re-encoded (PKCS#8, SEC1, CRLF line ends) or a certificate re-issued for it
 * is still the published key.
 */
export const PUBLISHED_TLS_PUBLIC_KEYS: ReadonlySet<string> = new Set([
  '993e9c9051e651ac37c566511b238fbeb5ceb1b9d0b17fbec55cbe54f5e15014', // test-tls.crt / .key
  'ac74202ea9727c0fce25af94a3802b32dfb1964f3e52ffe462c9b877e5de577b', // test-tls-renewed.crt / .key
]);

/** sha256 (hex) of the public key of a PEM certificate (a chain's first), private or public key; null if none. */
export function publicKeyFingerprint(pem: string | Buffer): string | null {
  try {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex');
  } catch {
    return null; // not PEM, or an encrypted key: the caller's own checks name it
  }
}

/** A certificate or key file of a TLS pair this repository publishes (production refuses it). */
export function publishedTlsProblems(variable: string, pem: string | Buffer): string[] {
  // Every block of the file: a CA bundle trusts all its certificates, and createPublicKey reads
  // only the first (the published one second in a bundle was accepted, review).
  const text = typeof pem === 'string' ? pem : pem.toString('latin1');
  const blocks = text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [text];
  return blocks.some((block) => PUBLISHED_TLS_PUBLIC_KEYS.has(publicKeyFingerprint(block) ?? ''))
    ? [`${variable}: the certificate or key is a published test pair of this repository; use your own`]
    : [];
}
