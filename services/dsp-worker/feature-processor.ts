// Turns va.audio.v1 records into va.features.v1 records: feeds each AudioChunk to the call's state
// (call-states.ts), maps completed windows to FeatureWindow / DynamicsWindow records stamped with
// the arrival time of the audio that completed them, ends calls at their final chunks (marking each
// speaker's last window `final`) and flushes idle ones. Pure apart from the clock; producing is the
// caller's job. Per-call state is keyed by the call's key (`${tenant}/${callId}`, call-key.ts): the
// same call id in two tenants is two calls, and every record and event id carries the tenant.
import type { Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import type { ConsumedRecord } from '../shared/consumer-runner.ts';
import {
  asChannel,
  audioArrivalMs,
  toDynamicsWindowRecord,
  toFeatureWindowRecord,
} from '../shared/mapping.ts';
import { outRecord, type OutRecord } from '../shared/producer.ts';
import { dynamicsWindowCodec, featureWindowCodec, type AudioChunk } from '../shared/records.ts';
import { DecodeError } from '../shared/codec.ts';
import { callKey, keyMatches, tenantEventId } from '../shared/call-key.ts';
import type { CallStates, CallWindows } from './call-states.ts';

export interface FeatureProcessorOptions {
  states: CallStates;
  featuresTopic: string;
  /** The wall clock (default Date.now): records' produced times, the gateway clock's bounds. */
  now?: () => number;
  /**
   * A monotonic clock in ms (default performance.now): the idle sweep (CALL_IDLE_TIMEOUT_MS). On
   * the wall clock a worker host stepped forward past the timeout flushed and freed every live call.
   */
  monotonicNow?: () => number;
  /** Called per window produced: for the window count and the end-to-end latency metrics. */
  onWindow?: (kind: 'features' | 'dynamics', audioCompletedAtMs: number, producedAtMs: number) => void;
  /** Called when a call's final chunks ended it and its state was freed (with the call's key). */
  onCallEnded?: (key: string) => void;
}

export interface IdleFlush {
  /** The call's key (`${tenant}/${callId}`). */
  callId: string;
  partition: number;
  /** First offset the call still needed: hold commits of the partition below it until produced. */
  neededOffset: number | null;
  outputs: OutRecord[];
}

export interface FeatureProcessor {
  handle(record: ConsumedRecord<AudioChunk>): OutRecord[];
  /** Flushes and frees the calls idle past the timeout; the caller produces the outputs. */
  flushIdle(): IdleFlush[];
  /** Forgets side data of calls the state no longer holds (after a revocation). */
  prune(): void;
}

export function createFeatureProcessor(options: FeatureProcessorOptions): FeatureProcessor {
  const { states, featuresTopic } = options;
  const now = options.now ?? Date.now;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  /** Call key → (tenant, call id): the states only know the key. */
  const identities = new Map<string, { tenant: string; callId: string }>();

  const toRecords = (
    out: CallWindows,
    arrivalOf: (endMs: number) => number,
    call: { tenant: string; callId: string },
    finals?: ReadonlySet<SpeakerWindow>,
  ): OutRecord[] => {
    const { tenant, callId } = call;
    const key = callKey(tenant, callId);
    const producedAtMs = now();
    const records: OutRecord[] = [];
    const speaker = (channel: Channel, window: SpeakerWindow, agentLeg: number): OutRecord => {
      const meta = {
        callId,
        channel,
        agentLeg,
        tenant,
        producedAtMs,
        audioCompletedAtMs: arrivalOf(window.endMs),
        final: finals?.has(window) ?? false,
      };
      options.onWindow?.('features', meta.audioCompletedAtMs, producedAtMs);
      const record = toFeatureWindowRecord(window, meta);
      record.eventId = tenantEventId(tenant, record.eventId);
      return outRecord(featuresTopic, featureWindowCodec, key, record);
    };
    const dynamics = (window: DynamicsWindow): OutRecord => {
      const meta = { callId, tenant, producedAtMs, audioCompletedAtMs: arrivalOf(window.endMs) };
      options.onWindow?.('dynamics', meta.audioCompletedAtMs, producedAtMs);
      const record = toDynamicsWindowRecord(window, meta);
      record.eventId = tenantEventId(tenant, record.eventId);
      return outRecord(featuresTopic, dynamicsWindowCodec, key, record);
    };
    for (const { channel, window, agentLeg } of out.windows) records.push(speaker(channel, window, agentLeg));
    for (const window of out.dynamics) records.push(dynamics(window));
    return records;
  };

  return {
    handle(record) {
      const chunk = record.value;
      if (!keyMatches(record.key, chunk.tenant, chunk.callId)) {
        throw new DecodeError('DECODE_FAILED', 'record key is not the chunk call');
      }
      const channel = asChannel(chunk.channel);
      if (chunk.codec === 'unspecified') throw new DecodeError('DECODE_FAILED', 'codec is unspecified');
      const call = { tenant: chunk.tenant, callId: chunk.callId };
      const key = callKey(call.tenant, call.callId);
      identities.set(key, call);
      const out = states.push(
        {
          partition: record.partition,
          offset: Number(record.offset),
          callId: key,
          channel,
          startMs: chunk.audioStartMs,
          receivedFirstMs: chunk.firstReceivedAtMs,
          receivedLastMs: chunk.receivedAtMs,
          format: { codec: chunk.codec, sampleRateHz: chunk.sampleRateHz },
          payload: chunk.payload,
          onHold: chunk.onHold === true,
          agentLeg: chunk.agentLeg ?? 0,
        },
        now(),
        monotonicNow(),
      );
      // A window ending further before this chunk than the worker pads with silence was not
      // completed by it: the call jumped here, and the windows before the jump, flushed now, came
      // with earlier chunks. Their arrival is unknown (0): stamped with this chunk's, they made a
      // resume look a burst to the classifier's and the alert engine's pace rule.
      const arrivalOf = (endMs: number): number =>
        endMs < chunk.audioStartMs - states.fillableGapMs ? 0 : audioArrivalMs(chunk, endMs);
      if (!(chunk.final && states.markFinal(key, channel))) {
        return toRecords(out, arrivalOf, call);
      }
      identities.delete(key);
      const ended = states.end(key);
      // The call is over: each speaker's last window tells the classifier to free its tracker.
      const finals = lastWindows(out, ended);
      return [
        ...toRecords(out, arrivalOf, call, finals),
        ...toRecords(ended, () => chunk.receivedAtMs, call, finals),
      ];
    },
    flushIdle() {
      const flushed: IdleFlush[] = [];
      for (const key of states.idleCalls(monotonicNow())) {
        const held = states.describe(key);
        const call = identities.get(key);
        if (held === null || call === undefined) continue;
        identities.delete(key);
        // No audio completed these windows: arrival 0 = unknown, left out of the latency histogram.
        const outputs = toRecords(states.end(key), () => 0, call);
        flushed.push({ callId: key, partition: held.partition, neededOffset: held.neededOffset, outputs });
      }
      return flushed;
    },
    prune() {
      for (const key of [...identities.keys()]) if (!states.has(key)) identities.delete(key);
    },
  };
}

/** Each speaker's last window among the outputs of a call that just ended. */
function lastWindows(...outs: CallWindows[]): Set<SpeakerWindow> {
  const last = new Map<Channel, SpeakerWindow>();
  for (const out of outs) for (const { channel, window } of out.windows) last.set(channel, window);
  return new Set(last.values());
}
