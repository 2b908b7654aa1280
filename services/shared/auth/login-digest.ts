// The keyed digests that stand for a username and a client address on va.login-failures.v1, so the
// shared login limiter counts them everywhere without the topic holding either: HMAC-SHA-256 under
// a key derived from JWT_SECRET (both login services must already share it for their tokens) with a
// label of its own, so the digest key is never the token key itself. Pure.
import { createHmac } from 'node:crypto';

/** Changing it changes every digest: the failures counted before no longer match (a reset). */
const DIGEST_KEY_LABEL = 'va login-failures digest key v1';

export interface LoginDigests {
  /** Of the lower-case username, as the limiter counts it. */
  account(username: string): string;
  /** Of the client address key (clientAddress in login-limiter.ts). */
  address(address: string): string;
}

/** The digest key: HMAC-SHA-256(JWT_SECRET, label). */
export function loginDigestKey(jwtSecret: Uint8Array | string): Buffer {
  return createHmac('sha256', jwtSecret).update(DIGEST_KEY_LABEL).digest();
}

/**
 * Names a digest key on the topic without revealing it (the first 16 hex of HMAC(key, 'key id')):
 * a reader takes the digests written under its own key.
 */
export function digestKeyId(key: Uint8Array): string {
  return createHmac('sha256', key).update('key id').digest('hex').slice(0, 16);
}

/** Account and address digests differ for the same text (a kind prefix): the maps stay apart. */
export function loginDigests(key: Uint8Array): LoginDigests {
  const digest = (kind: string, text: string): string =>
    createHmac('sha256', key).update(`${kind}\0${text}`).digest('hex');
  return {
    account: (username) => digest('account', username),
    address: (address) => digest('address', address),
  };
}
