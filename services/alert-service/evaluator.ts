// Rule evaluation over the consumed records: emotion events, feature windows and dynamics go
// through the rules engine; each alert is returned as a va.alerts.v1 record for the consumer to
// produce before it commits (clients get it from the fan-out of that topic, never from here).
// Rule state depends on every earlier record of a call, so each input topic has its own engine
// and its commits are held at the first record of its oldest live call (offset-hold.ts): after a
// restart or rebalance the successor replays from there and rebuilds the state; alerts of records
// the previous owner had produced (below the replay mark) are not produced again. Both topics'
// rules are independent (a rule reads one source), so one engine per topic equals one engine.
// The rules engine sees each call under its key (`${tenant}/${callId}`, call-key.ts), so its
// state and its deterministic alert ids (`${tenant}/${callId}:${subject}:${windowIndex}:${ruleId}`)
// are per tenant; the records keep the client's call id and the tenant.
// A call's end reaches the evaluator from another topic, through the fan-out (endCall), so its last
// records, or a replay after a rebalance, can come after it. For `endGraceMs` after the end the
// call is still evaluated as before it (state kept, commit held): a classifier behind the calls
// topic (a backlog, a restart, a demo at 60×) delivered the angry windows after the end, each was
// judged alone, and the frustration alert, which needs 4 s of them, never came. Then the call is
// freed (freeEndedCalls, on the service's timer); its later records are still evaluated (their
// alerts are produced) but keep no rule state and hold no commit, which nothing would free again
// (the fan-out's registry may have purged the call, and a replayed record never reaches it).
// The grace is timed on the monotonic clock: on the wall clock, an NTP step of the host forward
// past it freed every call within its grace at the next sweep (their late windows judged alone
// again), and a step back held their commits that much longer. Pure apart from callbacks.
import type { AlertEngine, Observation, RuleSet } from '../../pipelines/alerts/index.ts';
import { callKey, keyMatches } from '../shared/call-key.ts';
import { DecodeError } from '../shared/codec.ts';
import type { ConsumedRecord, TopicPartition } from '../shared/consumer-runner.ts';
import { OffsetHold } from '../shared/offset-hold.ts';
import { RecentKeys } from '../shared/recent-keys.ts';
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
  /** One engine per input topic, each with the current rules. */
  createEngine: () => AlertEngine;
  alertsTopic: string;
  /** How many records a held commit may lag behind the consumed position (offset-hold.ts). */
  maxHoldRecords: number;
  /** How many ended calls are remembered, so that their late or replayed records keep nothing. */
  maxEndedCalls: number;
  ownerOf: (tenant: string, callId: string) => AlertOwner | undefined;
  /**
   * A call whose customer the call store erased (va.erasures.v1, as this instance's fan-out read
   * it): its windows raise no alert (they outlived the erasure record on va.alerts.v1). Default:
   * none.
   */
  isErased?: (tenant: string, callId: string) => boolean;
  /** How long an ended call's late records are still judged with its state (0: freed at the end). */
  endGraceMs?: number;
  /** Called with every new alert before it is produced (metrics, log): not a push to clients. */
  onAlert: (record: AlertRecord) => void;
  /** Wall clock: the alerts' firing times (shown). */
  now?: () => number;
  /** Monotonic clock (default performance.now): the end grace's deadlines. */
  monotonicNow?: () => number;
}

export interface Evaluator {
  handle(record: ConsumedRecord<EvaluatorInput>): OutRecord[];
  revoke(partitions: TopicPartition[]): void;
  /**
   * A call ended (its key): frees its rule state and held commit `endGraceMs` later
   * (freeEndedCalls; at once without a grace), and remembers the end (call ids are not reused, so
   * a later record of the key is one that came after its end). Returns the partitions whose
   * commit it held when freed now: to commit again now (recommit), else the commit stayed at the
   * call's first record until the partition's next record (none, on a quiet partition).
   */
  endCall(key: string): TopicPartition[];
  /** Frees the ended calls whose grace is over: the partitions whose commit they held (as endCall). */
  freeEndedCalls(): TopicPartition[];
  /** Frees a purged call (idle, or ended long ago): as endCall, without remembering an end. */
  forgetCall(key: string): TopicPartition[];
  /** The offset to commit: never past the first record of a call whose state is still held. */
  commitOffset(topic: string, partition: number, nextOffset: string): string;
  /** Alerts of records below this offset were produced by the previous owner: not again. */
  setReplayUntil(topic: string, partition: number, producedUntil: number): void;
  setRules(rules: RuleSet): void;
  /** Calls whose state (and held commit) this evaluator keeps, summed over its input topics. */
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
      obs: {
        source: 'emotion',
        callId: key,
        channel: e.event.channel,
        event: e.event,
        arrivalMs: e.audioCompletedAtMs,
      },
      tenant: e.tenant,
      callId: e.event.callId,
      audioCompletedAtMs: e.audioCompletedAtMs,
    };
  }
  if (input.schema === 'features') {
    const f = fromFeatureWindowRecord(input.value);
    return {
      obs: {
        source: 'features',
        callId: callKey(f.tenant, f.callId),
        channel: f.channel,
        window: f.window,
        agentLeg: f.agentLeg,
        arrivalMs: f.audioCompletedAtMs,
      },
      tenant: f.tenant,
      callId: f.callId,
      audioCompletedAtMs: f.audioCompletedAtMs,
    };
  }
  const d = input.value;
  return {
    obs: {
      source: 'dynamics',
      callId: callKey(d.tenant, d.callId),
      window: fromDynamicsWindowRecord(d),
      arrivalMs: d.audioCompletedAtMs,
    },
    tenant: d.tenant,
    callId: d.callId,
    audioCompletedAtMs: d.audioCompletedAtMs,
  };
}

interface Lane {
  engine: AlertEngine;
  hold: OffsetHold;
}

export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const now = options.now ?? Date.now;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const lanes = new Map<string, Lane>();
  const replayUntil = new Map<string, number>();
  const ended = new RecentKeys(options.maxEndedCalls);
  const graceMs = options.endGraceMs ?? 0;
  /**
   * Ended calls still judged with their state, until when on the monotonic clock (insertion order
   * is deadline order).
   */
  const endingUntilMonoMs = new Map<string, number>();
  let rules: RuleSet | null = null;
  const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
  const laneOf = (topic: string): Lane => {
    let lane = lanes.get(topic);
    if (!lane) {
      lane = { engine: options.createEngine(), hold: new OffsetHold(options.maxHoldRecords) };
      if (rules) lane.engine.setRules(rules);
      lanes.set(topic, lane);
    }
    return lane;
  };
  const free = (key: string): TopicPartition[] => {
    const held: TopicPartition[] = [];
    // Without the release, every call ever seen stayed tracked.
    for (const [topic, lane] of lanes) {
      lane.engine.endCall(key);
      const partition = lane.hold.partitionOf(key);
      if (partition !== undefined) held.push({ topic, partition });
      lane.hold.release(key);
    }
    return held;
  };
  return {
    handle(record) {
      const { obs, tenant, callId, audioCompletedAtMs } = observationOf(record.value);
      // A body naming another call or tenant than its key: refused (dead-lettered) as the workers
      // refuse it, not evaluated as the call it names.
      if (!keyMatches(record.key, tenant, callId))
        throw new DecodeError('DECODE_FAILED', 'record key is not the record call');
      const lane = laneOf(record.topic);
      const offset = Number(record.offset);
      // A record of an ended call (late, or replayed): evaluated, but nothing of it is kept.
      const afterEnd = ended.has(obs.callId);
      if (!afterEnd) lane.hold.note(record.partition, obs.callId, offset);
      // The record's tenant is authoritative (the gateway took it from the stream's token); the
      // queue is the call start's (unknown before it: rules limited to queues wait for it).
      const known = options.ownerOf(tenant, callId);
      obs.scope = { tenant, queue: known?.queue ?? '' };
      const alerts = lane.engine.push(obs);
      if (afterEnd) lane.engine.endCall(obs.callId);
      if (alerts.length === 0 || options.isErased?.(tenant, callId)) return [];
      // Rebuilding state over records whose alerts the previous owner produced: not twice.
      if (offset < (replayUntil.get(tpKey(record.topic, record.partition)) ?? -1)) return [];
      const owner = { ...(known ?? { agentId: '', team: '', queue: '' }), tenant };
      return alerts.map((alert) => {
        const rec = { ...toAlertRecord(alert, owner, { firedAtMs: now(), audioCompletedAtMs }), callId };
        options.onAlert(rec);
        return outRecord(options.alertsTopic, alertRecordCodec, obs.callId, rec);
      });
    },
    revoke(partitions) {
      for (const { topic, partition } of partitions) {
        replayUntil.delete(tpKey(topic, partition));
        const lane = lanes.get(topic);
        if (!lane) continue;
        for (const key of lane.hold.dropPartitions([partition])) lane.engine.endCall(key);
      }
    },
    endCall(key) {
      if (graceMs > 0 && !ended.has(key)) {
        if (!endingUntilMonoMs.has(key)) endingUntilMonoMs.set(key, monotonicNow() + graceMs);
        return [];
      }
      endingUntilMonoMs.delete(key);
      ended.add(key);
      return free(key);
    },
    freeEndedCalls() {
      const held: TopicPartition[] = [];
      const atMonoMs = monotonicNow();
      for (const [key, untilMonoMs] of endingUntilMonoMs) {
        if (untilMonoMs > atMonoMs) break;
        endingUntilMonoMs.delete(key);
        ended.add(key);
        for (const tp of free(key))
          if (!held.some((h) => h.topic === tp.topic && h.partition === tp.partition)) held.push(tp);
      }
      return held;
    },
    forgetCall(key) {
      // Not remembered as ended: an idle call purged by the registry may still be live. One that
      // had ended (purged during its grace) is: else its replayed records held the commit for good.
      if (endingUntilMonoMs.delete(key)) ended.add(key);
      return free(key);
    },
    commitOffset(topic, partition, nextOffset) {
      const lane = lanes.get(topic);
      return lane ? String(lane.hold.safeCommitOffset(partition, Number(nextOffset))) : nextOffset;
    },
    setReplayUntil(topic, partition, producedUntil) {
      replayUntil.set(tpKey(topic, partition), producedUntil);
    },
    setRules(next) {
      rules = next;
      for (const lane of lanes.values()) lane.engine.setRules(next);
    },
    trackedCalls() {
      let n = 0;
      for (const lane of lanes.values()) n += lane.hold.size;
      return n;
    },
  };
}

export { alertViewOf };
