// Rule evaluation over the consumed records: emotion events, feature windows and dynamics go
// through the rules engine; each alert is pushed to this instance's clients at once and returned
// as a va.alerts.v1 record for the consumer runner to produce before it commits. Tracks which
// partitions hold which calls so a revoked partition's state is dropped. Pure apart from callbacks.
import type { AlertEngine, Observation } from '../../pipelines/alerts/index.ts';
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
  ownerOf: (callId: string) => AlertOwner | undefined;
  /** Called with every new alert before it is produced (local push). */
  onAlert: (record: AlertRecord) => void;
  now?: () => number;
}

export interface Evaluator {
  handle(record: ConsumedRecord<EvaluatorInput>): OutRecord[];
  revoke(partitions: TopicPartition[]): void;
}

function observationOf(input: EvaluatorInput): {
  obs: Observation;
  tenant: string;
  audioCompletedAtMs: number;
} {
  if (input.schema === 'emotion') {
    const e = fromEmotionEventRecord(input.value);
    return {
      obs: { source: 'emotion', callId: e.event.callId, channel: e.event.channel, event: e.event },
      tenant: e.tenant,
      audioCompletedAtMs: e.audioCompletedAtMs,
    };
  }
  if (input.schema === 'features') {
    const f = fromFeatureWindowRecord(input.value);
    return {
      obs: { source: 'features', callId: f.callId, channel: f.channel, window: f.window },
      tenant: f.tenant,
      audioCompletedAtMs: f.audioCompletedAtMs,
    };
  }
  const d = input.value;
  return {
    obs: { source: 'dynamics', callId: d.callId, window: fromDynamicsWindowRecord(d) },
    tenant: d.tenant,
    audioCompletedAtMs: d.audioCompletedAtMs,
  };
}

export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const now = options.now ?? Date.now;
  const callsByPartition = new Map<string, Set<string>>();
  return {
    handle(record) {
      const { obs, tenant, audioCompletedAtMs } = observationOf(record.value);
      const tp = `${record.topic}\u0000${record.partition}`;
      let calls = callsByPartition.get(tp);
      if (!calls) callsByPartition.set(tp, (calls = new Set()));
      calls.add(obs.callId);
      const alerts = options.engine.push(obs);
      if (alerts.length === 0) return [];
      const owner = options.ownerOf(obs.callId) ?? { tenant, agentId: '', team: '', queue: '' };
      return alerts.map((alert) => {
        const rec = toAlertRecord(alert, owner, { firedAtMs: now(), audioCompletedAtMs });
        options.onAlert(rec);
        return outRecord(options.alertsTopic, alertRecordCodec, alert.callId, rec);
      });
    },
    revoke(partitions) {
      for (const { topic, partition } of partitions) {
        const tp = `${topic}\u0000${partition}`;
        for (const callId of callsByPartition.get(tp) ?? []) options.engine.endCall(callId);
        callsByPartition.delete(tp);
      }
    },
  };
}

export { alertViewOf };
