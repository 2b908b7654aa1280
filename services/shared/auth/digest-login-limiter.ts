// The login limiter as both login endpoints use it once attempts are shared between instances:
// usernames and addresses are counted under their keyed digests (login-digest.ts), the keys that
// other instances' attempts arrive with on va.login-failures.v1, so local and remote attempts add
// up in the same entries; each ended attempt is told to `onEnded` (the feed produces it). Pure.
import type { LoginDigests } from './login-digest.ts';
import type { LoginLimiter } from './login-limiter.ts';

/** An attempt that ended here, by digests only (addressDigest '' on a success). */
export interface EndedAttempt {
  outcome: 'failed' | 'succeeded';
  accountDigest: string;
  addressDigest: string;
  /** Under the other digest key (JWT_PREVIOUS_SECRET's) during a rotation; '' without one. */
  otherAccountDigest: string;
  otherAddressDigest: string;
}

/**
 * `other`: the digests under JWT_PREVIOUS_SECRET's key while a rotation is under way, told along
 * (instances still on that key count the attempt under it); the limiter keys by `digests` only.
 */
export function digestKeyedLimiter(
  inner: LoginLimiter,
  digests: LoginDigests,
  onEnded: (attempt: EndedAttempt) => void,
  other?: LoginDigests,
): LoginLimiter {
  return {
    check: (username, address) => inner.check(digests.account(username), digests.address(address)),
    begin: (username, address) => inner.begin(digests.account(username), digests.address(address)),
    failed(username, address) {
      const accountDigest = digests.account(username);
      const addressDigest = digests.address(address);
      inner.failed(accountDigest, addressDigest);
      onEnded({
        outcome: 'failed',
        accountDigest,
        addressDigest,
        otherAccountDigest: other?.account(username) ?? '',
        otherAddressDigest: other?.address(address) ?? '',
      });
    },
    succeeded(username, address) {
      const accountDigest = digests.account(username);
      inner.succeeded(accountDigest, address === undefined ? undefined : digests.address(address));
      onEnded({
        outcome: 'succeeded',
        accountDigest,
        addressDigest: '',
        otherAccountDigest: other?.account(username) ?? '',
        otherAddressDigest: '',
      });
    },
    // Already digests (the feed applies other instances' attempts).
    failedElsewhere: (account, address, atMs) => inner.failedElsewhere(account, address, atMs),
    succeededElsewhere: (account) => inner.succeededElsewhere(account),
    size: () => inner.size(),
  };
}
