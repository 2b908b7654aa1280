/// <reference lib="dom" />
// The alert service's clock as a page reads it. Times shown are the servers' (a call's start is
// the gateway's, an alert's the service's, a sign-in's end the issuer's), but a page measured them
// against the browser's own clock, which on a supervisor's PC may be minutes off: a wallboard 10
// minutes fast showed every new call as 10:00 long, one slow showed 00:00 for minutes, and the
// sign-in note was wrong by as much. Every frame that carries the service's time (welcome,
// heartbeat, pong) sets the offset; pages ask `serverNow()`. Pure apart from Date.now.

let offsetMs = 0;
const listeners: (() => void)[] = [];

/** The service said its time was `serverTimeMs` in a frame that just arrived. */
export function heardServerTime(serverTimeMs: number, receivedAtMs: number = Date.now()): void {
  if (!Number.isFinite(serverTimeMs)) return;
  const changed = Math.abs(serverTimeMs - receivedAtMs - offsetMs) >= 1_000;
  offsetMs = serverTimeMs - receivedAtMs;
  if (changed) for (const listener of listeners) listener();
}

/** Now on the service's clock (the browser's until the first frame that carries it). */
export const serverNow = (): number => Date.now() + offsetMs;

/** Calls `listener` when the offset moves by a second or more (a first frame, a clock step). */
export function onServerClockChange(listener: () => void): void {
  listeners.push(listener);
}
