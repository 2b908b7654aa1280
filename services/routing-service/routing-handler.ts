// What the routing-service does with each consumed record: a call start looks the customer's
// history up (consent and opt-out respected) and starts the call in the hint engine, a call end
// frees it, emotions and alerts feed it; every hint it returns becomes one va.routing.v1 record.
// I/O: the history lookup (HTTP, bounded by ROUTING_HISTORY_TIMEOUT_MS).
import type { Counter } from 'prom-client';
import type { RoutingEngine, RoutingHint } from '../../pipelines/routing/index.ts';
import { callKey } from '../shared/call-key.ts';
import { historyAllowed } from '../shared/customer-history-client.ts';
import { pseudonymOrNone } from '../shared/customer-pseudonym.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import type { AlertAckRecord, AlertEventRecord, CallEvent, EmotionEventRecord } from '../shared/records.ts';
import type { RoutingServiceConfig } from './config.ts';
import { createHistoryBreaker, type HistoryBreaker } from './history-breaker.ts';
import { historyWithin, type HistorySource } from './history-source.ts';
import { routingHintCodec } from './routing-records.ts';

export type RoutingInput =
  | { schema: 'call'; value: CallEvent }
  | { schema: 'emotion'; value: EmotionEventRecord }
  | { schema: 'alert'; value: AlertEventRecord }
  | { schema: 'ack'; value: AlertAckRecord };

export interface RoutingHandlerOptions {
  config: RoutingServiceConfig;
  engine: RoutingEngine;
  history: HistorySource;
  hints: Counter<'trigger' | 'suggested'>;
  lookups: Counter<'outcome'>;
  /** Whether the call is known to have ended: a replayed start of such a call is skipped. */
  hasEnded: (tenant: string, callId: string) => boolean;
  /** Skips lookups while the history source keeps failing (default: 5 in a row, 30 s). */
  breaker?: HistoryBreaker;
}

/** Lookups in a row that time out or fail before starts skip the lookup, and for how long. */
const HISTORY_BREAKER_FAILURES = 5;
const HISTORY_BREAKER_OPEN_MS = 30_000;

/** A record below the previous owner's replay mark only rebuilds state: no hint, no metric. */
export interface RecordContext {
  replayed: boolean;
}

export function createRoutingHandler(
  o: RoutingHandlerOptions,
): (input: RoutingInput, context: RecordContext) => Promise<OutRecord[]> {
  const { config, engine, hints } = o;
  const breaker =
    o.breaker ??
    createHistoryBreaker({ maxFailures: HISTORY_BREAKER_FAILURES, openMs: HISTORY_BREAKER_OPEN_MS });

  const produce = (hint: RoutingHint | null, replayed: boolean): OutRecord[] => {
    if (!hint || replayed) return [];
    hints.inc({ trigger: hint.trigger, suggested: hint.suggested });
    return [outRecord(config.ROUTING_TOPIC, routingHintCodec, callKey(hint.tenant, hint.callId), hint)];
  };

  const onCall = async (call: CallEvent, replayed: boolean): Promise<OutRecord[]> => {
    if (call.type === 'ended') {
      engine.end(call.tenant, call.callId);
      return [];
    }
    if (call.type === 'consent-changed') {
      // Analytics withdrawn: closed to the engine as at the end (no hint after it, late emotions
      // and alerts dropped). History opted out: the reasons found in the customer's history at the
      // start leave the call's later hints (live hints only); a narrower store consent changes
      // nothing for the hints.
      if (!call.consent.analytics) engine.end(call.tenant, call.callId);
      else if (call.consent.historyOptOut === true) engine.dropHistory(call.tenant, call.callId);
      return [];
    }
    // No analytics without consent: such a call gets no history lookup and no hint, live ones
    // included: closed to the engine at once, so its emotions and alerts (which the pipeline does
    // not send for it, but a replay or another producer might) are dropped, not a blank new call.
    if (!call.consent.analytics) {
      engine.end(call.tenant, call.callId);
      return [];
    }
    // A restart replays the starts of every held call: the ended ones need no lookup again.
    if (replayed && o.hasEnded(call.tenant, call.callId)) return [];
    // A customer who opted out of history gets live hints only: their past is not looked up.
    const found = !historyAllowed(call)
      ? { history: null, outcome: 'opted_out' as const }
      : !breaker.allows()
        ? { history: null, outcome: 'skipped' as const }
        : await historyWithin(
            o.history,
            call.tenant,
            call.customerRef,
            config.ROUTING_HISTORY_TIMEOUT_MS,
            call.callId,
            call.previousCustomerRef,
          );
    if (found.outcome !== 'opted_out' && found.outcome !== 'skipped') breaker.record(found.outcome);
    // A stream resumed with history opted out: what an earlier start found in the history goes.
    if (call.consent.historyOptOut === true) engine.dropHistory(call.tenant, call.callId);
    if (!replayed) o.lookups.inc({ outcome: found.outcome });
    return produce(
      engine.start(
        {
          tenant: call.tenant,
          callId: call.callId,
          customerRef: pseudonymOrNone(call.customerRef),
          agentId: call.agentId,
          queue: call.queue,
          startedAtMs: call.startTimeMs,
        },
        found.history,
      ),
      replayed,
    );
  };

  return async (input, { replayed }) => {
    switch (input.schema) {
      case 'call':
        return onCall(input.value, replayed);
      case 'emotion': {
        const e = input.value;
        return produce(
          engine.emotion({
            tenant: e.tenant,
            callId: e.callId,
            channel: e.channel,
            windowIndex: e.windowIndex,
            startMs: e.startMs,
            state: e.state,
            producedAtMs: e.producedAtMs,
            arrivalMs: e.audioCompletedAtMs,
          }),
          replayed,
        );
      }
      case 'alert': {
        const a = input.value;
        return produce(
          engine.alert({
            tenant: a.tenant,
            callId: a.callId,
            ruleId: a.ruleId,
            state: a.state,
            windowIndex: a.windowIndex,
            audioMs: a.audioMs,
            message: a.message,
            firedAtMs: a.firedAtMs,
          }),
          replayed,
        );
      }
      default:
        return [];
    }
  };
}
