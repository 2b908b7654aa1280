// The fault bench's account of alerts: each alert's id is deterministic
// (`tenant/callId:subject:windowIndex:ruleId`, services/alert-service/evaluator.ts), so a call's
// alerts, without its own id, are a signature the same audio must give again. Alerts lost = those
// of a reference run without faults (same audio) missing from a call of the fault run. Pure.

export interface AlertLedger {
  add(alertId: string, callId: string): void;
  /** The alert signatures (`subject:windowIndex:ruleId`) of one call. */
  of(callId: string): Set<string>;
  /** Calls with at least one alert whose id starts with `prefix`. */
  count(prefix: string): number;
}

export function createAlertLedger(): AlertLedger {
  const byCall = new Map<string, Set<string>>();
  return {
    add(alertId, callId) {
      const at = alertId.indexOf(`/${callId}:`);
      const signature = at < 0 ? alertId : alertId.slice(at + callId.length + 2);
      const set = byCall.get(callId) ?? new Set<string>();
      set.add(signature);
      byCall.set(callId, set);
    },
    of: (callId) => byCall.get(callId) ?? new Set(),
    count(prefix) {
      let total = 0;
      for (const [callId, set] of byCall) if (callId.startsWith(prefix)) total += set.size;
      return total;
    },
  };
}

/**
 * Alerts of `reference(i)` (the same audio's alerts without faults) missing from call `i` of the
 * fault run; and those expected in all.
 */
export function alertsLost(
  ledger: AlertLedger,
  runCallIds: readonly string[],
  referenceOf: (callId: string) => Set<string>,
): { expected: number; lost: number } {
  let expected = 0;
  let lost = 0;
  for (const callId of runCallIds) {
    const got = ledger.of(callId);
    for (const signature of referenceOf(callId)) {
      expected += 1;
      if (!got.has(signature)) lost += 1;
    }
  }
  return { expected, lost };
}
