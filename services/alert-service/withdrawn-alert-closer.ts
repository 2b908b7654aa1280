// Produces the resolutions withdrawn-alerts.ts finds due, once a second and only once the fan-out
// has read what its topics held at start (before that, a resolution a previous run produced may
// still be unread: producing then gave a second copy at each restart). At-least-once: a failed
// produce is counted (`va_errors_total{code="ALERT_RESOLUTION_NOT_PRODUCED"}`) and retried at the
// next tick; the event id is derived from the alert id, so a repeat (a crash after the produce,
// several instances: each fan-out sees every call) is dropped by id downstream. I/O: Kafka, a timer.
import type { Producer } from 'kafkajs';
import { callKey } from '../shared/call-key.ts';
import type { Logger } from '../shared/logger.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import type { CallEvent } from '../shared/records.ts';
import { alertRecordCodec } from './alert-records.ts';
import { createWithdrawnAlerts, type WithdrawnAlerts } from './withdrawn-alerts.ts';

/** As ALERT_CALL_IDLE_MS's default: how long a call with nothing left to close is remembered. */
const FORGET_AFTER_MS = 600_000;
const TICK_MS = 1_000;

export interface AlertCloserOptions {
  producer: Producer;
  alertsTopic: string;
  logger: Logger;
  /** va_errors_total (by code). */
  errors?: { inc(labels: { code: string }): void };
  /** The fan-out has read what its topics held at start. */
  caughtUp: () => boolean;
  /** The call is in progress (the registry has it): its alerts are kept, however old. */
  isLive: (tenant: string, callId: string) => boolean;
}

export interface AlertCloser {
  readonly tracker: WithdrawnAlerts;
  /** A va.calls.v1 record: analytics withdrawn mid-call, or the call's end. */
  callEvent(e: CallEvent, nowMs: number): void;
  /** Produces what is due now (the timer calls it; tests may too). */
  flush(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function closeWithdrawnAlerts(options: AlertCloserOptions): AlertCloser {
  const tracker = createWithdrawnAlerts(FORGET_AFTER_MS);
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function produceDue(): Promise<void> {
    if (!options.caughtUp()) {
      tracker.forgetEnded();
      return;
    }
    const due = tracker.due(Date.now(), options.isLive);
    if (due.length === 0) return;
    try {
      await sendRecords(
        options.producer,
        due.map((r) => outRecord(options.alertsTopic, alertRecordCodec, callKey(r.tenant, r.callId), r)),
      );
      tracker.produced(due);
      // Ids and the reason only: the call id names no person, the alert carries no message here.
      options.logger.info('open alerts of a withdrawn call resolved', {
        alertIds: due.map((r) => r.alertId),
        reason: due[0]!.resolutionReason,
      });
    } catch (error) {
      tracker.failed(due);
      options.errors?.inc({ code: 'ALERT_RESOLUTION_NOT_PRODUCED' });
      options.logger.warn('alert resolutions not produced; retried', { count: due.length, error });
    }
  }

  const flush = (): Promise<void> => (flushing = flushing.then(produceDue));

  return {
    tracker,
    callEvent(e, nowMs) {
      if (e.type === 'consent-changed' && !e.consent.analytics)
        tracker.withdrawn(e.tenant, e.callId, 'CONSENT_WITHDRAWN', e.producedAtMs || nowMs);
      else if (e.type === 'ended') tracker.ended(e.tenant, e.callId, e.endTimeMs || nowMs);
    },
    flush,
    start() {
      timer ??= setInterval(() => void flush(), TICK_MS).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await flushing;
    },
  };
}
