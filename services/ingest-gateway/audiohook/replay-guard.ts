// Refuses a replayed AudioHook upgrade: each verified signature's nonce is remembered (per
// organisation) until the signature could no longer pass the age check anyway, so a captured
// upgrade request cannot open a second session. Bounded: when full, the oldest nonces go first
// (they are the closest to expiring), so memory stays flat under a flood. Pure (the caller's clock).

export interface ReplayGuard {
  /** True the first time (org, nonce) is seen within its lifetime; false for a replay. */
  firstUse(org: string, nonce: string, validUntilMs: number, nowMs: number): boolean;
  size(): number;
}

export function createReplayGuard(maxEntries = 100_000): ReplayGuard {
  // Insertion order = arrival order; lifetimes are similar, so the first entries expire first.
  const seen = new Map<string, number>();
  const sweep = (nowMs: number): void => {
    for (const [key, until] of seen) {
      if (until > nowMs && seen.size < maxEntries) break;
      seen.delete(key);
    }
  };
  return {
    firstUse(org, nonce, validUntilMs, nowMs) {
      sweep(nowMs);
      const key = `${org}\0${nonce}`;
      const until = seen.get(key);
      if (until !== undefined && until > nowMs) return false;
      seen.set(key, validUntilMs);
      return true;
    },
    size: () => seen.size,
  };
}
