// Failed-login throttling shared by every login endpoint (alert service /api/login, call store
// /auth/login): failures are counted per account (username) and per client address; past a few
// free failures each further one doubles a lock-out (capped), answered 429 with Retry-After. Both
// maps are bounded (oldest unlocked entry evicted) and forget an entry once its failures have aged out.
// The client address is the socket's, or X-Forwarded-For's when the socket is a trusted proxy
// (a load balancer otherwise makes every user one address). An attempt whose password is still
// being checked (scrypt takes a while) counts against the free failures until it ends: otherwise
// a burst of concurrent guesses is checked in full before the first failure is counted. Attempts
// at other instances (login-failure-feed.ts) are applied with `failedElsewhere`/`succeededElsewhere`
// at their own time, into the same entries: the keys may be digests. Pure apart from the clock.
import { BlockList, isIP } from 'node:net';
import { addressKey } from '../address-key.ts';
import { z } from 'zod';
import { commaList, intVar, listVar } from '../config.ts';

export interface LoginLimits {
  /** Failures of one username that cost nothing; each further one doubles its lock-out. */
  accountFreeFailures: number;
  /** The same per client address (higher: many users may share one NAT). */
  addressFreeFailures: number;
  /** Lock-out after the first failure beyond the free ones; doubles with each further failure. */
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this (since the entry's last failure) are forgotten. */
  forgetAfterMs: number;
  /** Entries kept per map at most. */
  maxEntries: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  accountFreeFailures: 5,
  addressFreeFailures: 20,
  baseLockMs: 1_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxEntries: 10_000,
};

/** The variables of both login endpoints (spread into a service's schema). */
export const loginLimitEnv = {
  LOGIN_ACCOUNT_FREE_FAILURES: intVar({ min: 1, max: 1000, def: DEFAULT_LOGIN_LIMITS.accountFreeFailures }),
  LOGIN_ADDRESS_FREE_FAILURES: intVar({
    min: 1,
    max: 100_000,
    def: DEFAULT_LOGIN_LIMITS.addressFreeFailures,
  }),
  LOGIN_MAX_LOCK_MS: intVar({ min: 1_000, max: 86_400_000, def: DEFAULT_LOGIN_LIMITS.maxLockMs }),
  /** The first lock-out past the free failures (doubles from there, up to LOGIN_MAX_LOCK_MS). */
  LOGIN_BASE_LOCK_MS: intVar({ min: 100, max: 86_400_000, def: DEFAULT_LOGIN_LIMITS.baseLockMs }),
  /**
   * Proxies whose X-Forwarded-For names the client: comma-separated IPs or CIDR ranges (an
   * ingress controller's pods change address: give their network, e.g. 10.0.0.0/8).
   */
  LOGIN_TRUSTED_PROXIES: listVar.pipe(
    z.array(
      z.string().refine((entry) => parseProxyEntry(entry) !== null, {
        error: 'each entry must be an IP address or a CIDR range (10.0.0.0/8, fd00::/8)',
      }),
    ),
  ),
};

export interface LoginLimitVars {
  LOGIN_ACCOUNT_FREE_FAILURES: number;
  LOGIN_ADDRESS_FREE_FAILURES: number;
  LOGIN_MAX_LOCK_MS: number;
  LOGIN_BASE_LOCK_MS?: number;
}

export function loginLimitsOf(vars: LoginLimitVars): LoginLimits {
  return {
    ...DEFAULT_LOGIN_LIMITS,
    accountFreeFailures: vars.LOGIN_ACCOUNT_FREE_FAILURES,
    addressFreeFailures: vars.LOGIN_ADDRESS_FREE_FAILURES,
    maxLockMs: vars.LOGIN_MAX_LOCK_MS,
    baseLockMs: Math.min(vars.LOGIN_BASE_LOCK_MS ?? DEFAULT_LOGIN_LIMITS.baseLockMs, vars.LOGIN_MAX_LOCK_MS),
    forgetAfterMs: Math.max(DEFAULT_LOGIN_LIMITS.forgetAfterMs, vars.LOGIN_MAX_LOCK_MS),
  };
}

export interface LoginVerdict {
  /** 0 = go ahead; else wait this long (the 429's Retry-After, rounded up to seconds). */
  retryAfterMs: number;
  /** Which limit refused: the account's or the address's. */
  limitedBy: 'account' | 'address' | null;
}

export interface LoginLimiter {
  /** May this username try from this address now? (A question only: nothing is reserved.) */
  check(username: string, address: string): LoginVerdict;
  /**
   * Before checking a password: `check`, and when it allows, the attempt is held as in progress
   * (it uses up a free failure) until `failed` or `succeeded` ends it. Past the free failures only
   * one attempt at a time is let through.
   */
  begin(username: string, address: string): LoginVerdict;
  /** A wrong username or password (ends an attempt begun). */
  failed(username: string, address: string): void;
  /** A successful login clears the account's failures (not the address's) and ends the attempt. */
  succeeded(username: string, address?: string): void;
  /**
   * A failure at another instance at `atMs` (its clock): counted as of then, so a replayed failure
   * 50 min old does not start a lock-out now, and one older than forgetAfterMs not at all. Ends no
   * attempt in progress here.
   */
  failedElsewhere(account: string, address: string, atMs: number): void;
  /** A success at another instance: clears the account's failures, keeps attempts in progress here. */
  succeededElsewhere(account: string): void;
  /** Entries held (accounts, addresses): bounded by maxEntries each. */
  size(): { accounts: number; addresses: number };
}

interface Entry {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
  /** Attempts begun and not yet ended. */
  inProgress: number;
}

/** One bounded map of failure counters; re-inserting on update keeps it ordered by last failure. */
function createCounter(freeFailures: number, limits: LoginLimits, now: () => number) {
  const entries = new Map<string, Entry>();
  const expired = (entry: Entry, nowMs: number) =>
    entry.inProgress === 0 &&
    nowMs - entry.lastFailureMs >= limits.forgetAfterMs &&
    nowMs >= entry.lockedUntilMs;
  const fresh = (nowMs: number): Entry => ({
    failures: 0,
    lastFailureMs: nowMs,
    lockedUntilMs: 0,
    inProgress: 0,
  });
  /**
   * The entry to drop when the map is full even after pruning: the one whose last failure is
   * oldest among those neither locked nor in use, else the lock that ends first; never `keep`
   * (the entry just updated). Dropping the oldest whatever it held let 10 000 failures on made-up
   * usernames lift a victim's lock-out (a review: 6 more guesses on it per 10 000 requests).
   */
  const evictable = (nowMs: number, keep: string): string | undefined => {
    let soonest: string | undefined;
    let soonestEndMs = Infinity;
    for (const [key, entry] of entries) {
      if (key === keep) continue;
      if (entry.inProgress === 0 && entry.lockedUntilMs <= nowMs) return key;
      if (entry.lockedUntilMs < soonestEndMs) [soonest, soonestEndMs] = [key, entry.lockedUntilMs];
    }
    return soonest;
  };
  const evictOverflow = (nowMs: number, keep: string): void => {
    while (entries.size > limits.maxEntries) {
      const key = evictable(nowMs, keep);
      if (key === undefined) return;
      entries.delete(key);
    }
  };
  const prune = (nowMs: number): void => {
    // Oldest first: stop at the first entry still in use.
    for (const [key, entry] of entries) {
      if (!expired(entry, nowMs)) break;
      entries.delete(key);
    }
  };
  return {
    entries,
    lockedForMs(key: string, nowMs: number): number {
      const entry = entries.get(key);
      return entry ? Math.max(0, entry.lockedUntilMs - nowMs) : 0;
    },
    /** Would one more attempt in progress exceed the free failures? (one is always let through) */
    busy(key: string, nowMs: number): boolean {
      const entry = entries.get(key);
      if (!entry || entry.inProgress === 0) return false;
      const failures = expired({ ...entry, inProgress: 0 }, nowMs) ? 0 : entry.failures;
      return failures + entry.inProgress >= freeFailures;
    },
    begin(key: string): void {
      const nowMs = now();
      prune(nowMs);
      const entry = entries.get(key) ?? fresh(nowMs);
      entry.inProgress += 1;
      entries.set(key, entry);
      evictOverflow(nowMs, key);
    },
    end(key: string): void {
      const entry = entries.get(key);
      if (entry && entry.inProgress > 0) entry.inProgress -= 1;
    },
    /** `atMs`: when it failed (another instance's, replayed), never later than now. */
    fail(key: string, atMs?: number): void {
      const nowMs = now();
      const failedAtMs = Math.min(atMs ?? nowMs, nowMs);
      prune(nowMs);
      const seen = entries.get(key);
      const entry =
        seen && !expired(seen, failedAtMs)
          ? seen
          : { ...fresh(failedAtMs), inProgress: seen?.inProgress ?? 0 };
      entries.delete(key);
      entry.failures += 1;
      // Failures of other instances may arrive out of order (an address's come from every account's
      // partition): the latest failure and the longest lock stand.
      entry.lastFailureMs = Math.max(entry.lastFailureMs, failedAtMs);
      const beyond = entry.failures - freeFailures;
      if (beyond > 0) {
        const lockMs = Math.min(limits.maxLockMs, limits.baseLockMs * 2 ** Math.min(beyond - 1, 30));
        entry.lockedUntilMs = Math.max(entry.lockedUntilMs, failedAtMs + lockMs);
      }
      entries.set(key, entry);
      evictOverflow(nowMs, key);
    },
    clear(key: string): void {
      entries.delete(key);
    },
    /** Failures and lock gone, attempts in progress kept (they end here, not elsewhere). */
    reset(key: string): void {
      const entry = entries.get(key);
      if (!entry || entry.inProgress === 0) entries.delete(key);
      else Object.assign(entry, { failures: 0, lockedUntilMs: 0 });
    },
  };
}

export function createLoginLimiter(
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  now: () => number = Date.now,
): LoginLimiter {
  const accounts = createCounter(limits.accountFreeFailures, limits, now);
  const addresses = createCounter(limits.addressFreeFailures, limits, now);
  const check = (username: string, address: string): LoginVerdict => {
    const nowMs = now();
    const account = accounts.lockedForMs(username, nowMs);
    const client = addresses.lockedForMs(address, nowMs);
    if (account === 0 && client === 0) return { retryAfterMs: 0, limitedBy: null };
    return account >= client
      ? { retryAfterMs: account, limitedBy: 'account' }
      : { retryAfterMs: client, limitedBy: 'address' };
  };
  return {
    check,
    begin(username, address) {
      const locked = check(username, address);
      if (locked.limitedBy !== null) return locked;
      const nowMs = now();
      // Attempts still being checked: retry once they have ended (scrypt: well under a second).
      if (accounts.busy(username, nowMs)) return { retryAfterMs: limits.baseLockMs, limitedBy: 'account' };
      if (addresses.busy(address, nowMs)) return { retryAfterMs: limits.baseLockMs, limitedBy: 'address' };
      accounts.begin(username);
      addresses.begin(address);
      return locked;
    },
    failed(username, address) {
      accounts.end(username);
      addresses.end(address);
      accounts.fail(username);
      addresses.fail(address);
    },
    succeeded(username, address) {
      accounts.clear(username);
      if (address !== undefined) addresses.end(address);
    },
    failedElsewhere(account, address, atMs) {
      if (now() - atMs >= limits.forgetAfterMs) return;
      accounts.fail(account, atMs);
      addresses.fail(address, atMs);
    },
    succeededElsewhere(account) {
      accounts.reset(account);
    },
    size: () => ({ accounts: accounts.entries.size, addresses: addresses.entries.size }),
  };
}

/** Seconds for a Retry-After header: at least 1. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * The key the client's address is counted under (address-key.ts: an IPv6 client by its /64): the
 * socket's address, unless the socket is a trusted proxy, then the last X-Forwarded-For entry that
 * is not itself a trusted proxy (entries before it are client-chosen).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: readonly string[],
): string {
  const socket = socketAddress ?? '?';
  // A proxy listed as an address or inside a listed range; IPv4-mapped or not, either way.
  const trusted = trustedProxyCheck(trustedProxies);
  if (trustedProxies.length === 0 || !trusted(socket) || !forwardedFor) return addressKey(socket);
  const hops = commaList(Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    if (!trusted(hops[i])) return addressKey(isIP(hops[i]) !== 0 ? hops[i] : socket);
  }
  return addressKey(socket);
}

/** An IP address or CIDR range of LOGIN_TRUSTED_PROXIES, or null when it is neither. */
function parseProxyEntry(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [raw, bits, extra] = entry.split('/');
  const address = unmapped(raw);
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: compared unmapped, either way. */
const unmapped = (ip: string): string => ip.replace(/^::ffff:(?=\d+\.)/i, '');

const proxyChecks = new WeakMap<readonly string[], (ip: string) => boolean>();

/** Whether an address is one of the trusted proxies (built once per list). */
function trustedProxyCheck(trustedProxies: readonly string[]): (ip: string) => boolean {
  let check = proxyChecks.get(trustedProxies);
  if (!check) {
    const list = new BlockList();
    for (const entry of trustedProxies) {
      const parsed = parseProxyEntry(entry);
      if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    check = (ip: string) => {
      const address = unmapped(ip);
      const version = isIP(address);
      return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    };
    proxyChecks.set(trustedProxies, check);
  }
  return check;
}
