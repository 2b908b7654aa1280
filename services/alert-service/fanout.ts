// This instance's own view of every call: a consumer group of its own (one per instance) reads
// call lifecycle events from the beginning and live emotions, features and alerts from now on,
// and feeds the call registry and the WebSocket hub. Several instances each fan out to their own
// clients. Every record is applied to the call of its (tenant, call id). I/O: Kafka (kafkajs consumer).
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { createMultiDecoder, type RecordHeaders } from '../shared/codec.ts';
import type { Logger } from '../shared/logger.ts';
import { callKey } from '../shared/call-key.ts';
import { asChannel } from '../shared/mapping.ts';
import {
  alertAckCodec,
  callEventCodec,
  decodeFeaturesTopic,
  emotionEventCodec,
  type CallEvent,
} from '../shared/records.ts';
import { alertRecordCodec, alertViewOf } from './alert-records.ts';
import type { CallRegistry } from './call-registry.ts';
import type { Hub } from './hub.ts';

export interface FanoutTopics {
  calls: string;
  emotions: string;
  features: string;
  alerts: string;
}

export interface FanoutOptions {
  kafka: Kafka;
  groupId: string;
  topics: FanoutTopics;
  registry: CallRegistry;
  hub: Hub;
  logger: Logger;
  /** A call ended: its key (`${tenant}/${callId}`). */
  onCallEnded: (key: string) => void;
  /** Every call lifecycle record, after the registry applied it (the live history line). */
  onCallEvent?: (event: CallEvent) => void;
  onBadRecord: (code: string) => void;
}

export interface Fanout {
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
}

const decodeAlerts = createMultiDecoder({ alert: alertRecordCodec, ack: alertAckCodec });

export function createFanout(options: FanoutOptions): Fanout {
  const { registry, hub, topics } = options;
  let joined = false;
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 50,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.CRASH, () => (joined = false));

  function apply(topic: string, message: KafkaMessage): void {
    const headers = message.headers as RecordHeaders | undefined;
    const nowMs = Date.now();
    if (topic === topics.calls) {
      const e = callEventCodec.decode(message.value, headers);
      if (e.type === 'started') {
        registry.start({
          callId: e.callId,
          tenant: e.tenant,
          agentId: e.agentId,
          team: e.team,
          queue: e.queue,
          startedAtMs: e.startTimeMs || nowMs,
        });
      } else if (e.type === 'ended') {
        registry.end(e.tenant, e.callId, e.endTimeMs || nowMs);
        options.onCallEnded(callKey(e.tenant, e.callId));
      }
      options.onCallEvent?.(e);
    } else if (topic === topics.emotions) {
      const e = emotionEventCodec.decode(message.value, headers);
      registry.emotion(e.tenant, e.callId, { ...e, channel: asChannel(e.channel) }, nowMs);
    } else if (topic === topics.features) {
      const d = decodeFeaturesTopic(message.value, headers);
      if (d.schema === 'features') {
        const f = d.value;
        registry.features(
          f.tenant,
          f.callId,
          {
            channel: asChannel(f.channel),
            articulationRate: f.pace.articulationRate,
            tensionIndex: f.tensionIndex,
            speechFraction: f.speechFraction,
            endMs: f.endMs,
          },
          nowMs,
        );
      } else {
        registry.dynamics(d.value.tenant, d.value.callId, d.value, nowMs);
      }
    } else if (topic === topics.alerts) {
      const d = decodeAlerts(message.value, headers);
      if (d.schema === 'alert') hub.publishAlert(alertViewOf(d.value));
      else
        hub.publishAck({
          alertId: d.value.alertId,
          callId: d.value.callId,
          acknowledgedBy: d.value.acknowledgedBy,
          acknowledgedAtMs: d.value.acknowledgedAtMs,
        });
    }
  }

  return {
    async start() {
      await consumer.connect();
      // Call lifecycle from the beginning (who owns which live call); the rest from now on.
      await consumer.subscribe({ topics: [topics.calls], fromBeginning: true });
      await consumer.subscribe({
        topics: [topics.emotions, topics.features, topics.alerts],
        fromBeginning: false,
      });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch, heartbeat }) => {
          for (const message of batch.messages) {
            try {
              apply(batch.topic, message);
            } catch (error) {
              // The evaluator dead-letters poison records; here one bad record is only counted.
              const code = (error as { code?: string }).code ?? 'PROCESSING_FAILED';
              options.onBadRecord(code);
              options.logger.warn('fan-out skipped a record', {
                topic: batch.topic,
                offset: message.offset,
                code,
              });
            }
          }
          await heartbeat();
        },
      });
    },
    async stop() {
      joined = false;
      await consumer.disconnect();
    },
    ready: () => joined,
  };
}
