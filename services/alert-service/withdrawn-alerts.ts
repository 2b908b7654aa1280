// The open alerts of calls whose analytics consent was withdrawn mid-call, or whose customer was
// erased while the call was live, and the resolution records that close them on va.alerts.v1.
// Without them every consumer of the topic (the call store, the pages' snapshot) kept such an
// alert open for good: the alert service stops judging the call, so no later record ended it.
// Fed by the fan-out with every alert record (before the registry drops an erased call's alerts),
// every withdrawal, erasure and end; asked for what is due only once the fan-out has read what the
// topics held at start, so the resolutions a previous run produced are known and none is produced
// twice. Pure: the caller produces what `due` returns and reports the outcome.
import type { AlertRecord } from './alert-records.ts';
import { callKey } from '../shared/call-key.ts';

/** Why an alert was closed: the stable code on the record (field 27) and in the `erased` frame. */
export type ClosingReason = 'CONSENT_WITHDRAWN' | 'ERASED';

export interface WithdrawnAlerts {
  /** An alert record read from va.alerts.v1: fired and escalated ones are open until resolved. */
  alertSeen(record: AlertRecord): void;
  /** The call's analytics consent was withdrawn, or its customer erased, at `atMs`. */
  withdrawn(tenant: string, callId: string, reason: ClosingReason, atMs: number): void;
  /** The call ended at `atMs`: an erasure after it closes nothing (its alerts ended with it). */
  ended(tenant: string, callId: string, atMs: number): void;
  /**
   * The resolution records to produce now; each is handed out once until `failed` gives it back.
   * `isLive`: the call is still in progress here (a live call is never forgotten, however long
   * ago its alerts fired).
   */
  due(nowMs: number, isLive?: (tenant: string, callId: string) => boolean): AlertRecord[];
  /** Produced: the broker has them. */
  produced(records: AlertRecord[]): void;
  /** Not produced: due again at the next call. */
  failed(records: AlertRecord[]): void;
  /**
   * Forgets the calls that ended with nothing to close, as `due` does, without producing: a start
   * runs it while it reads the topics' history (before, every alert of va.alerts.v1's retention
   * was held here until the catch-up was done, 1.3 KB each: hundreds of MB at a restart).
   */
  forgetEnded(): void;
  /** Calls tracked (a gauge, and the tests' bound). */
  size(): number;
}

interface CallAlerts {
  tenant: string;
  callId: string;
  /** Open alerts by id, as last seen (an escalation replaces nothing: it has its own id). */
  open: Map<string, AlertRecord>;
  /** Alerts whose resolution is on the topic (read back, or produced by this run). */
  resolved: Set<string>;
  /** Handed out by `due`, not yet reported. */
  inFlight: Set<string>;
  reason?: ClosingReason;
  withdrawnAtMs?: number;
  endedAtMs?: number;
  /** When anything of the call was last seen (firing or withdrawal time), for forgetting it. */
  lastSeenMs: number;
}

export const RESOLVED_SUFFIX = ':resolved';

/**
 * The record that closes `alert`: its ids, rule, audience and owner, as the alert itself carried
 * them; no message, evidence or cue (what the customer sounded like is not repeated). Its
 * `updatedAtMs` (the call store's `ended_at`) is when the alert ended, the withdrawal (or its own
 * firing, for an alert raised after it), not when the record happens to be produced: a service
 * down at the withdrawal, or first started after the upgrade, produced it hours or days later.
 */
export function resolutionOf(
  alert: AlertRecord,
  reason: ClosingReason,
  nowMs: number,
  endedAtMs: number = nowMs,
): AlertRecord {
  return {
    ...alert,
    eventId: `${alert.alertId}${RESOLVED_SUFFIX}`,
    state: 'resolved',
    message: '',
    evidence: [],
    cue: '',
    // Never ahead of now (a gateway's clock gone wrong: the store refuses a time a day ahead).
    updatedAtMs: Math.min(nowMs, Math.max(endedAtMs, alert.firedAtMs)),
    producedAtMs: nowMs,
    audioCompletedAtMs: 0,
    resolutionReason: reason,
  };
}

/**
 * `forgetAfterMs`: a call with nothing left to close is forgotten once it ended, or once nothing
 * of it was seen for this long (the alerts of long-ended calls re-read at a start, a call whose
 * end never came).
 */
export function createWithdrawnAlerts(forgetAfterMs: number): WithdrawnAlerts {
  const calls = new Map<string, CallAlerts>();

  function entry(tenant: string, callId: string, seenMs: number): CallAlerts {
    const key = callKey(tenant, callId);
    let call = calls.get(key);
    if (!call) {
      call = {
        tenant,
        callId,
        open: new Map(),
        resolved: new Set(),
        inFlight: new Set(),
        lastSeenMs: seenMs,
      };
      calls.set(key, call);
    }
    call.lastSeenMs = Math.max(call.lastSeenMs, seenMs);
    return call;
  }

  /** A withdrawal closes the alerts open at it: not an erasure of a call that had ended already. */
  function closes(call: CallAlerts): boolean {
    if (!call.reason) return false;
    if (call.reason === 'CONSENT_WITHDRAWN' || call.endedAtMs === undefined) return true;
    return (call.withdrawnAtMs ?? 0) <= call.endedAtMs;
  }

  function pending(call: CallAlerts): AlertRecord[] {
    return [...call.open.values()].filter(
      (a) => !call.resolved.has(a.alertId) && !call.inFlight.has(a.alertId),
    );
  }

  function forgettable(call: CallAlerts, nowMs: number, isLive: (t: string, c: string) => boolean): boolean {
    if (call.inFlight.size > 0) return false;
    if (closes(call) && pending(call).length > 0) return false;
    if (call.endedAtMs !== undefined) return true;
    return nowMs - call.lastSeenMs > forgetAfterMs && !isLive(call.tenant, call.callId);
  }

  return {
    alertSeen(record) {
      if (record.state === 'resolved') {
        // Only for a call still tracked: a resolution read after its call was forgotten adds nothing.
        calls.get(callKey(record.tenant, record.callId))?.resolved.add(record.alertId);
        return;
      }
      if (record.state !== 'fired' && record.state !== 'escalated') return;
      const call = entry(record.tenant, record.callId, record.firedAtMs);
      call.open.set(record.alertId, record);
    },
    withdrawn(tenant, callId, reason, atMs) {
      const call = entry(tenant, callId, atMs);
      // The first withdrawal names the reason (a later erasure of a withdrawn call changes nothing).
      if (call.reason) return;
      call.reason = reason;
      call.withdrawnAtMs = atMs;
    },
    ended(tenant, callId, atMs) {
      const call = calls.get(callKey(tenant, callId));
      if (call && call.endedAtMs === undefined) call.endedAtMs = atMs;
    },
    due(nowMs, isLive = () => false) {
      const out: AlertRecord[] = [];
      for (const [key, call] of calls) {
        if (closes(call))
          for (const alert of pending(call)) {
            call.inFlight.add(alert.alertId);
            out.push(resolutionOf(alert, call.reason!, nowMs, call.withdrawnAtMs));
          }
        else if (forgettable(call, nowMs, isLive)) calls.delete(key);
      }
      for (const [key, call] of calls)
        if (closes(call) && forgettable(call, nowMs, isLive)) calls.delete(key);
      return out;
    },
    produced(records) {
      for (const r of records) {
        const call = calls.get(callKey(r.tenant, r.callId));
        call?.inFlight.delete(r.alertId);
        call?.resolved.add(r.alertId);
      }
    },
    failed(records) {
      for (const r of records) calls.get(callKey(r.tenant, r.callId))?.inFlight.delete(r.alertId);
    },
    forgetEnded() {
      // Not one withdrawn or erased: a withdrawal precedes the end in va.calls.v1 (one key, one
      // partition), and an erasure closes a call in progress only (fanout.ts).
      for (const [key, call] of calls)
        if (!call.reason && call.endedAtMs !== undefined && call.inFlight.size === 0) calls.delete(key);
    },
    size: () => calls.size,
  };
}
