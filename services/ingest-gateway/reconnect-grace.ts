// Calls whose platform socket dropped without ending the call (Twilio: no `stop`; jambonz /
// mod_audio_fork: no close frame), kept live for a grace period so that a new socket for the same
// call (same tenant and call id) continues it instead of starting a second call. When the grace
// period ends first, `expire` ends the call as the drop itself used to. One registry per adapter
// (a call resumes on the adapter it started on). Pure apart from timers.
import { callKey } from '../shared/call-key.ts';

export interface ParkedCall<T> {
  call: T;
  /**
   * When the socket dropped, on the registry's clock (monotonic: performance.now by default): the
   * gap the resumed audio must leave (filled as silence) is the adapter's `parkedClockMs()` less it.
   * On the wall clock an NTP step back while the platform reconnected made the gap negative and
   * ended the resumed call BAD_FRAME (audio time -57600 ms); a step forward filled a minute.
   */
  droppedAtMs: number;
}

export interface ParkedCalls<T> {
  /** Keeps `call` for the grace period, then runs `expire` (at once when the grace period is 0). */
  park(tenant: string, callId: string, call: T, expire: () => void): void;
  /**
   * The parked call of this id (no longer parked), or null; one that `fits` refuses (another
   * format) stays parked, and the new socket is then refused as a second live call of that id.
   */
  take(tenant: string, callId: string, fits?: (call: T) => boolean): ParkedCall<T> | null;
  /** The parked call of this id, left parked (null when none). */
  peek(tenant: string, callId: string): T | null;
  /** Whether a call of `tenant` (any tenant when null) waits for its reconnect. */
  holdsCallOf(tenant: string | null): boolean;
  /** Every parked call, its timer cleared (shutdown ends them itself). */
  drain(): T[];
  size(): number;
}

/** The clock parked calls are timed on (ParkedCall.droppedAtMs): monotonic. */
export const parkedClockMs = (): number => performance.now();

export function createParkedCalls<T>(graceMs: number, now: () => number = parkedClockMs): ParkedCalls<T> {
  const parked = new Map<string, ParkedCall<T> & { tenant: string; timer: NodeJS.Timeout }>();
  return {
    park(tenant, callId, call, expire) {
      if (graceMs <= 0) {
        expire();
        return;
      }
      const key = callKey(tenant, callId);
      const timer = setTimeout(() => {
        parked.delete(key);
        expire();
      }, graceMs);
      timer.unref();
      parked.set(key, { call, tenant, droppedAtMs: now(), timer });
    },
    take(tenant, callId, fits = () => true) {
      const key = callKey(tenant, callId);
      const entry = parked.get(key);
      if (!entry || !fits(entry.call)) return null;
      clearTimeout(entry.timer);
      parked.delete(key);
      return { call: entry.call, droppedAtMs: entry.droppedAtMs };
    },
    peek: (tenant, callId) => parked.get(callKey(tenant, callId))?.call ?? null,
    holdsCallOf(tenant) {
      if (tenant === null) return parked.size > 0;
      for (const entry of parked.values()) if (entry.tenant === tenant) return true;
      return false;
    },
    drain() {
      const calls = [...parked.values()].map((entry) => {
        clearTimeout(entry.timer);
        return entry.call;
      });
      parked.clear();
      return calls;
    },
    size: () => parked.size,
  };
}
