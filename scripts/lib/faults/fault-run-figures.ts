// The fault run's figures from what the observer saw: windows lost and duplicated, calls failed,
// p99 latency before, during and after each fault of fault-schedule.ts and the recovery times,
// alerts lost against the reference calls. Pure over the ledgers.
import { alertsLost } from './alert-ledger.ts';
import type { CallSet } from './call-set.ts';
import type { Observer } from './observer.ts';
import type { FaultRecord } from './timeline.ts';
import { percentile, recoverySeconds } from './window-ledger.ts';

export interface FaultRunFacts {
  observer: Observer;
  callSet: CallSet;
  calls: number;
  /** Call id prefixes of the reference calls and of the fault run. */
  refPrefix: string;
  runPrefix: string;
  /** Reference calls (one per recording). */
  files: number;
  expected: number;
  startedAt: number;
  streamedUntil: number;
  /** The records of the four faults, in schedule order. */
  faults: FaultRecord[];
  summary: { failed?: number; statuses?: Record<string, number> } | null;
  simulatorExit: unknown;
  alertsCaughtUp: unknown;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function shortCalls(f: FaultRunFacts): { call: string; missing: string[]; missing_count: number }[] {
  const w = f.observer.windows;
  const short: { call: string; missing: string[]; missing_count: number }[] = [];
  for (const [callId, got] of w.perCall(`${f.runPrefix}-`)) {
    const reference = [...w.windowsOf(`${referenceOf(callId, f)}`)];
    if (got >= reference.length) continue;
    const seen = w.windowsOf(callId);
    const missing = reference.filter((key) => !seen.has(key));
    short.push({ call: callId, missing: missing.slice(0, 20), missing_count: missing.length });
  }
  return short.slice(0, 10);
}

/** The reference call (same recording) of a run call, with the run call's tenant prefix. */
function referenceOf(callId: string, f: FaultRunFacts): string {
  const slash = callId.indexOf('/');
  const tenant = slash >= 0 ? callId.slice(0, slash + 1) : '';
  return `${tenant}${f.refPrefix}-${f.callSet.fileOf(callId)}`;
}

export function faultRunFigures(f: FaultRunFacts) {
  const { observer, startedAt, calls, expected } = f;
  const w = observer.windows;
  const p = `${f.runPrefix}-`;
  const [brokerKill, brokerBack, workerKill, classifierKill] = f.faults;
  const p99 = (from: number, to: number) => percentile(w.latencies(p, from, to), 99);
  const faultFigures = (fault: FaultRecord, until: number) => ({
    at_s: round((fault.startedAtMs - startedAt) / 1000),
    note: fault.note ?? fault.error,
    latency_ms_p99_15s_after: p99(fault.startedAtMs, fault.startedAtMs + 15_000),
    recovery_s: recoverySeconds(w, p, fault.startedAtMs, until),
  });
  const runCallIds = Array.from({ length: calls }, (_, i) => `${f.runPrefix}-${i}`);
  const alerts = alertsLost(observer.alerts, runCallIds, (callId) =>
    observer.alerts.of(`${f.refPrefix}-${f.callSet.fileOf(callId)}`),
  );
  return {
    windows_expected: expected,
    windows_received: w.distinct(p),
    lost_windows: Math.max(0, expected - w.distinct(p)),
    // Which windows, when some are lost: each short call's missing windows against the reference
    // call of the same recording (at most 10 calls, 20 windows each), for the next diagnosis.
    short_calls: shortCalls(f),
    duplicate_windows_raw: w.duplicatesRaw(p),
    duplicate_windows_after_dedupe: w.duplicatesAfterDedupe(p),
    calls_failed: f.summary?.failed ?? calls,
    call_statuses: f.summary?.statuses ?? null,
    simulator_exit: f.simulatorExit,
    latency_ms_p99_before_fault: p99(startedAt + 3_000, brokerKill.startedAtMs),
    latency_ms_p99_during_fault: p99(brokerKill.startedAtMs, brokerBack.doneAtMs + 5_000),
    recovery_s: recoverySeconds(w, p, brokerKill.startedAtMs, workerKill.startedAtMs),
    // On a loaded machine p99 may sit above 500 ms before any fault: back to where it was.
    recovery_s_to_pre_fault_p99: recoverySeconds(
      w,
      p,
      brokerKill.startedAtMs,
      workerKill.startedAtMs,
      Math.max(500, p99(startedAt + 3_000, brokerKill.startedAtMs) ?? 0),
    ),
    latency_ms_p99_by_second_from_broker_kill: Array.from(
      { length: Math.ceil((workerKill.startedAtMs - brokerKill.startedAtMs) / 1000) },
      (_, s) => p99(brokerKill.startedAtMs + s * 1000, brokerKill.startedAtMs + (s + 1) * 1000),
    ),
    broker_restart_s: round((brokerBack.doneAtMs - brokerBack.startedAtMs) / 1000),
    dsp_worker_kill: faultFigures(workerKill, classifierKill.startedAtMs),
    classifier_kill: faultFigures(classifierKill, f.streamedUntil),
    latency_ms_p99_whole_run: p99(startedAt, Date.now()),
    alerts_expected: alerts.expected,
    alerts_lost: alerts.lost,
    alerts_reference_calls: f.files,
    alert_evaluator_caught_up: f.alertsCaughtUp,
  };
}
