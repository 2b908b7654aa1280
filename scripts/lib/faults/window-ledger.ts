// The fault bench's account of emotion events (one per speaker window, deterministic id
// `tenant/callId:channel:windowIndex:kind`): distinct windows per call, raw replays, replays that
// escape the product's bounded dedupe (event-dedupe.ts, what consumers use), and latency (audio
// completing the window at the gateway -> its emotion event produced, both carried by the event)
// by the time the event was produced, so p99 can be read per interval (during a fault, after it)
// and does not depend on when the bench's own consumer, itself hit by a broker loss, read it. Pure.
import { createEventDedupe } from '../../../services/emotion-classifier/event-dedupe.ts';

export interface WindowEvent {
  eventId: string;
  callId: string;
  /** When the audio completing the window reached the gateway (0 = unknown). */
  audioCompletedAtMs: number;
  /** When the classifier produced the event (0 = unknown: the time it was seen is used). */
  producedAtMs: number;
}

export interface WindowLedger {
  /** Counts an event seen at `nowMs` (wall clock; its producedAtMs when known). */
  add(event: WindowEvent, nowMs: number): void;
  /** Distinct windows seen of the calls whose id starts with `prefix`. */
  distinct(prefix: string): number;
  /** Distinct windows per call id of those calls. */
  perCall(prefix: string): Map<string, number>;
  /** The windows seen of one call, as `channel:windowIndex` (empty when none). */
  windowsOf(callId: string): ReadonlySet<string>;
  /** Events seen again (replays after a crash or rebalance: expected, dropped by id). */
  duplicatesRaw(prefix: string): number;
  /** Replays the bounded product dedupe let through (must be 0). */
  duplicatesAfterDedupe(prefix: string): number;
  /** Latencies (ms) of first-seen events of `prefix` calls produced in [fromMs, toMs). */
  latencies(prefix: string, fromMs: number, toMs: number): number[];
}

/** `channel:windowIndex` of an event id `tenant/callId:channel:windowIndex:kind`. */
export function windowKey(eventId: string): string {
  const parts = eventId.split(':');
  return parts.length >= 4 ? `${parts[parts.length - 3]}:${parts[parts.length - 2]}` : eventId;
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]);
}

export function createWindowLedger(dedupeCapacity?: number): WindowLedger {
  const seen = new Set<string>();
  const dedupe = createEventDedupe(dedupeCapacity);
  const byCall = new Map<string, number>();
  const keysByCall = new Map<string, Set<string>>();
  const raw = new Map<string, number>();
  const escaped = new Map<string, number>();
  const timed: { callId: string; atMs: number; latencyMs: number }[] = [];
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const sum = (map: Map<string, number>, prefix: string): number => {
    let total = 0;
    for (const [callId, n] of map) if (callId.startsWith(prefix)) total += n;
    return total;
  };
  return {
    add(event, nowMs) {
      const first = dedupe.firstSeen(event.eventId);
      if (seen.has(event.eventId)) {
        bump(raw, event.callId);
        if (first) bump(escaped, event.callId);
        return;
      }
      seen.add(event.eventId);
      bump(byCall, event.callId);
      const keys = keysByCall.get(event.callId) ?? new Set<string>();
      keysByCall.set(event.callId, keys);
      keys.add(windowKey(event.eventId));
      const at = event.producedAtMs > 0 ? event.producedAtMs : nowMs;
      if (event.audioCompletedAtMs > 0)
        timed.push({ callId: event.callId, atMs: at, latencyMs: at - event.audioCompletedAtMs });
    },
    distinct: (prefix) => sum(byCall, prefix),
    perCall: (prefix) => new Map([...byCall].filter(([callId]) => callId.startsWith(prefix))),
    windowsOf: (callId) => keysByCall.get(callId) ?? new Set(),
    duplicatesRaw: (prefix) => sum(raw, prefix),
    duplicatesAfterDedupe: (prefix) => sum(escaped, prefix),
    latencies: (prefix, fromMs, toMs) =>
      timed
        .filter((t) => t.callId.startsWith(prefix) && t.atMs >= fromMs && t.atMs < toMs)
        .map((t) => t.latencyMs),
  };
}

/**
 * Seconds from `faultAtMs` until p99 latency is back under `limitMs` for good: the start of the
 * first 1-s bucket after which every bucket up to `untilMs` (with events) stays under the limit.
 * Null when it never does before `untilMs`.
 */
export function recoverySeconds(
  ledger: WindowLedger,
  prefix: string,
  faultAtMs: number,
  untilMs: number,
  limitMs = 500,
): number | null {
  const buckets: (number | null)[] = [];
  for (let at = faultAtMs; at < untilMs; at += 1_000) {
    buckets.push(percentile(ledger.latencies(prefix, at, at + 1_000), 99));
  }
  let recoveredFrom: number | null = null;
  buckets.forEach((p99, k) => {
    if (p99 !== null && p99 >= limitMs) recoveredFrom = null;
    else if (p99 !== null && recoveredFrom === null) recoveredFrom = k;
  });
  return recoveredFrom;
}
