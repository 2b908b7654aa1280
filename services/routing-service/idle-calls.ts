// The idle sweep: a call whose end never comes (a stream ended UNAVAILABLE by a gateway SIGTERM or
// a broker outage and never resumed) would keep its hint state and hold each topic's commit at its
// first record until ROUTING_MAX_CALLS pushed it out, and every restart would replay more. As the
// emotion classifier (SPEAKER_IDLE_TIMEOUT_MS) and the alert service (ALERT_CALL_IDLE_MS) do, a
// call with no record here for ROUTING_CALL_IDLE_MS is freed: its state goes (expired in the
// engine: its late records make no hint and hold nothing), and the commits it held move on.
// A live call is never idle that long: hold music and silence still make emotion windows
// ('no-speech') every second. Idle is on the (monotonic) clock of arrival (when a record of the call was
// last handled here), as in the classifier and the alert service, not on the records' own times:
// a consumer behind (a backlog after an outage) or replaying after a restart reads old records of
// calls still live, and judged by record time it would free them while it catches up; by arrival
// a call is idle only when nothing of it has come for that long. Pure: the caller passes the
// clock and recommits the partitions.
import type { RoutingEngine } from '../../pipelines/routing/index.ts';
import type { TopicPartition } from '../shared/consumer-runner.ts';
import { callKey } from '../shared/call-key.ts';
import type { RoutingReplay } from './routing-replay.ts';

export interface IdleCalls {
  /** A record of the call was handled and the engine holds the call. */
  seen(tenant: string, callId: string, nowMs: number): void;
  /** The call's state is gone (ended, forgotten): nothing to sweep. */
  forget(key: string): void;
  /**
   * Frees the calls with no record for the idle time: expired in the engine, released from the
   * held commits. Returns the partitions whose commits they held (to commit again now).
   */
  sweep(nowMs: number): TopicPartition[];
  /**
   * The consumer is not consuming (crashed, rejoining, cut off from the brokers): no call is idle
   * meanwhile. Without it, an outage longer than the idle time expired every live call, and their
   * backlog, produced before that sweep, was then dropped as late.
   */
  stalled(nowMs: number): void;
  readonly size: number;
}

export function createIdleCalls(
  idleMs: number,
  engine: Pick<RoutingEngine, 'expire'>,
  replay: Pick<RoutingReplay, 'release'>,
  /**
   * The clock idleness is timed on (the service passes performance.now; the `nowMs` given when
   * not set). On the wall clock a host stepped forward past `idleMs` freed every live call,
   * expired at the stepped time, and their next windows (made before it) were dropped as late.
   */
  idleClock?: () => number,
): IdleCalls {
  const idleNow = (wallMs: number): number => idleClock?.() ?? wallMs;
  /** Last record per call (on the idle clock), least recently seen first. */
  const calls = new Map<string, { tenant: string; callId: string; lastSeenMs: number }>();
  return {
    seen(tenant, callId, nowMs) {
      const key = callKey(tenant, callId);
      calls.delete(key); // the newest last: a sweep stops at the first call still live
      calls.set(key, { tenant, callId, lastSeenMs: idleNow(nowMs) });
    },
    forget: (key) => void calls.delete(key),
    sweep(nowMs) {
      const freed = new Map<string, TopicPartition>();
      const idleAt = idleNow(nowMs);
      for (const [key, call] of calls) {
        if (idleAt - call.lastSeenMs < idleMs) break;
        calls.delete(key);
        // Expired at the sweep's time: a record made before it is late (its call is gone).
        engine.expire(call.tenant, call.callId, nowMs);
        for (const tp of replay.release(key)) freed.set(`${tp.topic}\u0000${tp.partition}`, tp);
      }
      return [...freed.values()];
    },
    stalled(nowMs) {
      const idleAt = idleNow(nowMs);
      for (const call of calls.values()) call.lastSeenMs = idleAt;
    },
    get size() {
      return calls.size;
    },
  };
}
