// How many messages one WebSocket client may send: a token bucket of `perSecond` messages a
// second, holding up to `burstSeconds` of them. Invalid messages have their own, stricter budget
// (ALERT_MAX_BAD_MESSAGES); this one bounds the valid ones: a client sending 20 000 pings in two
// seconds got 20 000 pongs, a CPU cost nothing else capped (WebSocket probe). A page sends a ping
// per heartbeat and an ack per click. Pure.

export interface MessageBudget {
  /** Spends one message at `nowMs`; false when the client has none left. */
  spend(nowMs: number): boolean;
}

export function createMessageBudget(perSecond: number, burstSeconds: number, startMs: number): MessageBudget {
  const capacity = perSecond * burstSeconds;
  let tokens = capacity;
  let lastMs = startMs;
  return {
    spend(nowMs) {
      tokens = Math.min(capacity, tokens + (Math.max(0, nowMs - lastMs) * perSecond) / 1000);
      lastMs = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
