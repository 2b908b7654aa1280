// How often one user may open a session on the hub: a token bucket per user (tenant and user id)
// of `perMinute` welcomes a minute, holding up to `perMinute` of them. Each welcome sends a full
// snapshot (the user's visible calls and up to 300 alerts of its tenant), the hub's costliest
// frame, built on the event loop every tenant's pages share. The socket caps bounded how many
// sockets one user holds at once (ALERT_WS_MAX_PER_USER), not how often it opens them: ten
// sockets of one user connecting, taking their snapshot and closing in a loop (a scripted client,
// or a page stuck reconnecting) were welcomed without limit. A page reconnects with a backoff
// (live-socket.ts: 0.5 s doubling to 10 s), so its own reconnects stay far below the budget.
// Bounded: past `maxUsers` tracked users, those with a full bucket (nothing to remember) are
// forgotten first, then the oldest. Pure apart from the clock passed in.

export interface SessionRate {
  /** Spends one welcome of `user` at `nowMs`; false when it has none left (refuse the session). */
  spend(user: string, nowMs: number): boolean;
  /** Gives back the welcome just spent: the session was refused for another reason, no snapshot sent. */
  refund(user: string): void;
  size(): number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

/** Users tracked at most (each entry ~100 bytes). */
const MAX_USERS = 10_000;

export function createSessionRate(perMinute: number, maxUsers = MAX_USERS): SessionRate {
  const buckets = new Map<string, Bucket>();
  const refilled = (b: Bucket, nowMs: number): number =>
    Math.min(perMinute, b.tokens + (Math.max(0, nowMs - b.lastMs) * perMinute) / 60_000);
  const makeRoom = (nowMs: number): void => {
    for (const [user, b] of buckets) {
      if (buckets.size < maxUsers) return;
      if (refilled(b, nowMs) >= perMinute) buckets.delete(user);
    }
    for (const user of buckets.keys()) {
      if (buckets.size < maxUsers) return;
      buckets.delete(user);
    }
  };
  return {
    spend(user, nowMs) {
      // 0: no limit (ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN=0).
      if (perMinute <= 0) return true;
      const known = buckets.get(user);
      if (!known) makeRoom(nowMs);
      const tokens = known ? refilled(known, nowMs) : perMinute;
      // Re-inserted: the Map's order is the users' last session, oldest first.
      buckets.delete(user);
      buckets.set(user, { tokens: tokens >= 1 ? tokens - 1 : tokens, lastMs: nowMs });
      return tokens >= 1;
    },
    refund(user) {
      const b = buckets.get(user);
      if (b) b.tokens = Math.min(perMinute, b.tokens + 1);
    },
    size: () => buckets.size,
  };
}
