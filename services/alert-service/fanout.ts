// This instance's own view of every call: a consumer group of its own (one per instance) reads
// call lifecycle events, alerts (with their acknowledgements) and erasures from the beginning and emotions
// and features from `rebuildMs` ago, and feeds the call registry and the WebSocket hub. Several
// instances each fan out to their own clients. Every record is applied to the call of its
// (tenant, call id). Runs on the shared consumer runner, never committing, and producing only the
// records that close the open alerts of a call withdrawn or erased mid-call (withdrawn-alerts.ts):
// the group id is stable across restarts and each start must re-read va.calls.v1 and va.alerts.v1
// from the beginning (the alerts, so a wallboard's snapshot after a restart or deploy still lists
// the alerts nobody acknowledged yet; read from now on, they vanished from every wallboard at each
// restart), and the last minutes of emotions and features (read from now on, every call in
// progress came back with an empty mood trend and voice stress "unknown"). A bad record is counted
// and skipped (the evaluator dead-letters poison records). I/O: Kafka (kafkajs).
import type { Kafka, Producer } from 'kafkajs';
import { createMultiDecoder, DecodeError, type RecordHeaders } from '../shared/codec.ts';
import { createConsumerRunner, type ConsumerMetrics } from '../shared/consumer-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { keyMatches } from '../shared/call-key.ts';
import { asChannel } from '../shared/mapping.ts';
import {
  alertAckCodec,
  callErasedCodec,
  callEventCodec,
  decodeFeaturesTopic,
  emotionEventCodec,
  type CallErased,
  type CallEvent,
} from '../shared/records.ts';
import { offsetsRetried, positionsByTime } from '../shared/start-positions.ts';
import { alertRecordCodec, alertViewOf } from './alert-records.ts';
import { createCatchUp } from '../shared/catch-up.ts';
import { watchLogStarts, type CatchUpWatch } from '../shared/catch-up-watch.ts';
import { applyCallEvent } from './call-lifecycle.ts';
import { closeWithdrawnAlerts, type AlertCloser } from './withdrawn-alert-closer.ts';
import type { CallRegistry } from './call-registry.ts';
import type { Hub } from './hub.ts';

export interface FanoutTopics {
  calls: string;
  emotions: string;
  features: string;
  alerts: string;
  /** Calls whose customer the call store erased: forgotten, and dropped when they arrive later. */
  erasures: string;
}

export interface FanoutOptions {
  kafka: Kafka;
  /** Produces the resolutions of withdrawn calls' open alerts (withdrawn-alert-closer.ts). */
  producer: Producer;
  service: string;
  groupId: string;
  topics: FanoutTopics;
  /** Emotions and features are read from this long before the start (0 = from now). */
  rebuildMs: number;
  registry: CallRegistry;
  hub: Hub;
  logger: Logger;
  /** A call ended: its key (`${tenant}/${callId}`). */
  onCallEnded: (key: string) => void;
  /** Every call lifecycle record, after the registry applied it (the live history line). */
  onCallEvent?: (event: CallEvent) => void;
  /** Skipped records by code; the evaluator's consumer counts records in and lag. */
  /** Errors and the fan-out group's lag (records in and processing time are the evaluator's). */
  metrics: Pick<ConsumerMetrics, 'errors' | 'consumerLag'>;
}

export interface Fanout {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Its consumer joined the group and reads. */
  joined(): boolean;
  /** Joined, and has read what the topics held at start (fanout-catch-up.ts). */
  ready(): boolean;
  /** Has read what the topics held at start, once (latched: a later rejoin keeps the live view). */
  rebuilt(): boolean;
  /**
   * Another process reads in this fan-out group (one ALERT_INSTANCE_ID for several instances) and
   * this one does not lead it: it must go (the leader is not ready until it is alone).
   */
  shared(): boolean;
  /** Another process reads in this fan-out group and this one leads it (it waits for it to go). */
  sharedLeading(): boolean;
}

const decodeAlerts = createMultiDecoder({ alert: alertRecordCodec, ack: alertAckCodec });

/** One record of the fan-out's four topics, decoded. */
type FanoutRecord =
  | { topic: 'calls'; value: CallEvent }
  | { topic: 'emotions'; value: ReturnType<typeof emotionEventCodec.decode> }
  | { topic: 'features'; value: ReturnType<typeof decodeFeaturesTopic> }
  | { topic: 'alerts'; value: ReturnType<typeof decodeAlerts> }
  | { topic: 'erasures'; value: CallErased };

function decodeFanoutRecord(
  topics: FanoutTopics,
  topic: string,
  value: Buffer | null,
  headers: RecordHeaders | undefined,
): FanoutRecord {
  if (topic === topics.calls) return { topic: 'calls', value: callEventCodec.decode(value, headers) };
  if (topic === topics.emotions)
    return { topic: 'emotions', value: emotionEventCodec.decode(value, headers) };
  if (topic === topics.features) return { topic: 'features', value: decodeFeaturesTopic(value, headers) };
  if (topic === topics.erasures) return { topic: 'erasures', value: callErasedCodec.decode(value, headers) };
  return { topic: 'alerts', value: decodeAlerts(value, headers) };
}

/** The call a fan-out record names. */
function callOf(record: FanoutRecord): { tenant: string; callId: string } {
  if (record.topic === 'features' || record.topic === 'alerts') return record.value.value;
  return record.value;
}

export function createFanout(options: FanoutOptions): Fanout {
  const { registry, hub, topics } = options;
  const catchUp = createCatchUp();
  const closer: AlertCloser = closeWithdrawnAlerts({
    producer: options.producer,
    alertsTopic: topics.alerts,
    logger: options.logger,
    errors: options.metrics.errors,
    caughtUp: () => catchUp.done(),
    isLive: (tenant, callId) => registry.owner(tenant, callId) !== undefined,
  });
  /** Emotions and features are read from the rebuild window's start (0: from now, their log end). */
  const timed = (topic: string): boolean =>
    options.rebuildMs > 0 && (topic === topics.emotions || topic === topics.features);
  let rebuildFromMs = 0;
  /** Calls, alerts and erasures are read from the beginning at each start. */
  const fromBeginning = (topic: string): boolean =>
    topic === topics.calls || topic === topics.alerts || topic === topics.erasures;

  function apply(record: FanoutRecord): void {
    const nowMs = Date.now();
    if (record.topic === 'erasures') {
      const { tenant, callId, erasedAtMs } = record.value;
      // Only a call in progress here has its alerts closed: an erasure after the end closes nothing,
      // and the tracker cannot tell when it read the end before the alert (an alert of the call's
      // last windows; a start's catch-up reads va.calls.v1 and va.alerts.v1 in no set order).
      if (registry.inProgress(tenant, callId))
        closer.tracker.withdrawn(tenant, callId, 'ERASED', erasedAtMs || nowMs);
      hub.eraseCall(tenant, callId, erasedAtMs || nowMs, 'ERASED');
    } else if (record.topic === 'calls') {
      const e = record.value;
      closer.callEvent(e, nowMs);
      applyCallEvent(e, options, nowMs);
      options.onCallEvent?.(e);
    } else if (record.topic === 'emotions') {
      const e = record.value;
      registry.emotion(e.tenant, e.callId, { ...e, channel: asChannel(e.channel) }, nowMs);
    } else if (record.topic === 'features') {
      const d = record.value;
      if (d.schema === 'features') {
        const f = d.value;
        registry.features(
          f.tenant,
          f.callId,
          {
            channel: asChannel(f.channel),
            windowIndex: f.windowIndex,
            articulationRate: f.pace.articulationRate,
            tensionIndex: f.tensionIndex,
            speechFraction: f.speechFraction,
            endMs: f.endMs,
            onHold: f.onHold === true,
            agentLeg: f.agentLeg ?? 0,
          },
          nowMs,
        );
      } else {
        registry.dynamics(d.value.tenant, d.value.callId, d.value, nowMs);
      }
    } else {
      const d = record.value;
      if (d.schema === 'alert') {
        // Seen before the registry, which drops the alerts of an erased call. A resolution is no
        // new alert: the pages dropped the call and its alerts at the withdrawal.
        closer.tracker.alertSeen(d.value);
        if (d.value.state !== 'resolved') hub.publishAlert(alertViewOf(d.value));
      }
      // An ack applies to its own tenant's alert only (alert ids carry the tenant; this says so).
      else if (options.registry.findAlert(d.value.alertId)?.tenant === d.value.tenant)
        hub.publishAck({
          alertId: d.value.alertId,
          callId: d.value.callId,
          acknowledgedBy: d.value.acknowledgedBy,
          acknowledgedAtMs: d.value.acknowledgedAtMs,
        });
    }
  }

  /** Partitions of each topic at start: this instance's own group must be assigned all of them. */
  const partitionsAtStart = new Map<string, number[]>();
  /**
   * Another process reads in this instance's fan-out group (ALERT_INSTANCE_ID set to one value for
   * several instances): Kafka split the calls between them and each one's pages missed the rest.
   */
  let sharedGroup = false;
  /**
   * This member leads its fan-out group: Kafka keeps the leader across rebalances, so a running
   * instance stays the leader when a second one joins, and of replicas that start together exactly
   * one leads. Only the others refuse to start; the leader waits until it is alone again.
   */
  let leader = false;
  const checkSole = (): void => {
    const owned = new Set(runner.assigned().map((tp) => `${tp.topic}\u0000${tp.partition}`));
    const missing = [...partitionsAtStart].flatMap(([topic, partitions]) =>
      partitions.filter((partition) => !owned.has(`${topic}\u0000${partition}`)),
    );
    const shared = missing.length > 0;
    if (shared && !sharedGroup) {
      options.metrics.errors?.inc({ code: 'FANOUT_GROUP_SHARED' });
      options.logger.error(
        "another process reads with this instance's fan-out group: its pages would miss the calls of the partitions it was not given; give every instance its own ALERT_INSTANCE_ID (not ready until then)",
        { code: 'FANOUT_GROUP_SHARED', groupId: options.groupId, missingPartitions: missing.length },
      );
    }
    sharedGroup = shared;
  };

  const runner = createConsumerRunner<FanoutRecord>({
    kafka: options.kafka,
    producer: options.producer,
    service: options.service,
    groupId: options.groupId,
    topics: [topics.calls, topics.emotions, topics.features, topics.alerts, topics.erasures],
    logger: options.logger,
    metrics: { errors: options.metrics.errors, consumerLag: options.metrics.consumerLag },
    // Alerts and call starts are rare: a fetch returns at the first record (minBytes 1), and an
    // empty one waits 500 ms instead of polling each broker 20 times a second.
    consumerConfig: { minBytes: 1, maxWaitTimeInMs: 500 },
    partitionsConsumedConcurrently: 4,
    // Call lifecycle (who owns which live call) and alerts (the snapshot's recent alerts and their
    // acknowledgements; a few per call) from the beginning; the rest from `rebuildMs` ago.
    fromBeginning: (topic) => fromBeginning(topic),
    startTimeOf: (topic) => (timed(topic) ? rebuildFromMs : undefined),
    onFlushed: (report) => catchUp.reached(report.topic, report.partition, report.nextOffset),
    onJoined: (join) => {
      leader = join.isLeader;
    },
    onAssigned: () => checkSole(),
    commitOffsets: false,
    poison: 'skip',
    decode: (value, headers, topic) => decodeFanoutRecord(topics, topic, value, headers),
    handle: (record) => {
      // A body naming another call or tenant than its key (the evaluator dead-letters it) is not
      // shown as the call it names: counted and skipped, as every other consumer refuses it.
      const { tenant, callId } = callOf(record.value);
      if (!keyMatches(record.key, tenant, callId))
        throw new DecodeError('DECODE_FAILED', 'record key is not the record call');
      apply(record.value);
      return [];
    },
  });

  /** Where each partition's reading begins and ends at start, before the consumer joins. */
  async function markHistory(): Promise<void> {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of [topics.calls, topics.emotions, topics.features, topics.alerts, topics.erasures])
        for (const { partition, low, high } of await offsetsRetried(() => admin.fetchTopicOffsets(topic))) {
          partitionsAtStart.set(topic, [...(partitionsAtStart.get(topic) ?? []), partition]);
          catchUp.endsAt(topic, partition, high);
          // Calls and alerts from the beginning; emotions and features from now (their end), or
          // from the rebuild's start (below).
          if (!timed(topic)) catchUp.begins(topic, partition, fromBeginning(topic) ? low : high);
        }
    } finally {
      await admin.disconnect();
    }
    const timedTopics = [topics.emotions, topics.features].filter(timed);
    for (const p of await positionsByTime(options.kafka, timedTopics, () => rebuildFromMs))
      catchUp.begins(p.topic, p.partition, p.offset);
  }

  let watch: CatchUpWatch | undefined;
  return {
    async start() {
      rebuildFromMs = Date.now() - options.rebuildMs;
      await markHistory();
      // Records that expire before they are fetched must not hold the rebuild back for good.
      watch = watchLogStarts(
        options.kafka,
        [topics.calls, topics.emotions, topics.features, topics.alerts, topics.erasures],
        catchUp,
      );
      await runner.start();
      closer.start();
    },
    async stop() {
      await closer.stop();
      await watch?.stop();
      await runner.stop();
    },
    joined: () => runner.ready(),
    ready: () => runner.ready() && catchUp.done() && !sharedGroup,
    rebuilt: () => catchUp.done(),
    shared: () => sharedGroup && !leader,
    sharedLeading: () => sharedGroup && leader,
  };
}
