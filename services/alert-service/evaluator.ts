// Rule evaluation over the consumed records: emotion events, feature windows and dynamics go
// through the rules engine; each alert is returned as a va.alerts.v1 record for the consumer to
// produce before it commits (clients get it from the fan-out of that topic, never from here). Tracks which
// partitions hold which calls so a revoked partition's state is dropped. The rules engine sees each
// call under its key (`${tenant}/${callId}`, call-key.ts), so its state and its deterministic alert
// ids (`${tenant}/${callId}:${subject}:${windowIndex}:${ruleId}`) are per tenant; the records keep
// the client's call id and the tenant. Pure apart from callbacks.
import type { AlertEngine, Observation } from '../../pipelines/alerts/index.ts';
import { callKey } from '../shared/call-key.ts';
import type { ConsumedRecord, TopicPartition } from '../shared/consumer-runner.ts';
import {
  fromDynamicsWindowRecord,
  fromEmotionEventRecord,
  fromFeatureWindowRecord,
} from '../shared/mapping.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import type { DynamicsWindowRecord, EmotionEventRecord, FeatureWindowRecord } from '../shared/records.ts';
import {
  alertRecordCodec,
  alertViewOf,
  toAlertRecord,
  type AlertOwner,
  type AlertRecord,
} from './alert-records.ts';

export type EvaluatorInput =
  | { schema: 'emotion'; value: EmotionEventRecord }
  | { schema: 'features'; value: FeatureWindowRecord }
  | { schema: 'dynamics'; value: DynamicsWindowRecord };

export interface EvaluatorOptions {
  engine: AlertEngine;
  alertsTopic: string;
  ownerOf: (tenant: string, callId: string) => AlertOwner | undefined;
  /** Called with every new alert before it is produced (metrics, log): not a push to clients. */
  onAlert: (record: AlertRecord) => void;
  now?: () => number;
}

export interface Evaluator {
  handle(record: ConsumedRecord<EvaluatorInput>): OutRecord[];
  revoke(partitions: TopicPartition[]): void;
  /** Frees an ended or purged call (its key): rule state and partition bookkeeping. */
  endCall(key: string): void;
  /** Calls whose partition this evaluator remembers (what a revocation would free). */
  trackedCalls(): number;
}

/** The observation for the engine, whose `callId` is the call's key. */
function observationOf(input: EvaluatorInput): {
  obs: Observation;
  tenant: string;
  callId: string;
  audioCompletedAtMs: number;
} {
  if (input.schema === 'emotion') {
    const e = fromEmotionEventRecord(input.value);
    const key = callKey(e.tenant, e.event.callId);
    return {
      obs: { source: 'emotion', callId: key, channel: e.event.channel, event: e.event },
      tenant: e.tenant,
      callId: e.event.callId,
      audioCompletedAtMs: e.audioCompletedAtMs,
    };
  }
  if (input.schema === 'features') {
    const f = fromFeatureWindowRecord(input.value);
    return {
      obs: { source: 'features', callId: callKey(f.tenant, f.callId), channel: f.channel, window: f.window },
      tenant: f.tenant,
      callId: f.callId,
      audioCompletedAtMs: f.audioCompletedAtMs,
    };
  }
  const d = input.value;
  return {
    obs: { source: 'dynamics', callId: callKey(d.tenant, d.callId), window: fromDynamicsWindowRecord(d) },
    tenant: d.tenant,
    callId: d.callId,
    audioCompletedAtMs: d.audioCompletedAtMs,
  };
}

export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const now = options.now ?? Date.now;
  const callsByPartition = new Map<string, Set<string>>();
  return {
    handle(record) {
      const { obs, tenant, callId, audioCompletedAtMs } = observationOf(record.value);
      const tp = `${record.topic}\u0000${record.partition}`;
      let calls = callsByPartition.get(tp);
      if (!calls) callsByPartition.set(tp, (calls = new Set()));
      calls.add(obs.callId);
      const alerts = options.engine.push(obs);
      if (alerts.length === 0) return [];
      // The record's tenant is authoritative (the gateway took it from the stream's token).
      const owner = { ...(options.ownerOf(tenant, callId) ?? { agentId: '', team: '', queue: '' }), tenant };
      return alerts.map((alert) => {
        const rec = { ...toAlertRecord(alert, owner, { firedAtMs: now(), audioCompletedAtMs }), callId };
        options.onAlert(rec);
        return outRecord(options.alertsTopic, alertRecordCodec, obs.callId, rec);
      });
    },
    revoke(partitions) {
      for (const { topic, partition } of partitions) {
        const tp = `${topic}\u0000${partition}`;
        for (const callId of callsByPartition.get(tp) ?? []) options.engine.endCall(callId);
        callsByPartition.delete(tp);
      }
    },
    endCall(key) {
      options.engine.endCall(key);
      // Without this the per-partition sets kept every call ever seen (issue 13 point 13).
      for (const [tp, calls] of callsByPartition)
        if (calls.delete(key) && calls.size === 0) callsByPartition.delete(tp);
    },
    trackedCalls() {
      let n = 0;
      for (const calls of callsByPartition.values()) n += calls.size;
      return n;
    },
  };
}

export { alertViewOf };
