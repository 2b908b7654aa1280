// Turns va.audio.v1 records into va.features.v1 records: feeds each AudioChunk to the call's state
// (call-states.ts), maps completed windows to FeatureWindow / DynamicsWindow records stamped with
// the arrival time of the audio that completed them, ends calls at their final chunks (marking each
// speaker's last window `final`) and flushes idle ones. Pure apart from the clock; producing is the
// caller's job.
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
import type { CallStates, CallWindows } from './call-states.ts';

export interface FeatureProcessorOptions {
  states: CallStates;
  featuresTopic: string;
  now?: () => number;
  /** Called per window produced: for the window count and the end-to-end latency metrics. */
  onWindow?: (kind: 'features' | 'dynamics', audioCompletedAtMs: number, producedAtMs: number) => void;
  /** Called when a call's final chunks ended it and its state was freed. */
  onCallEnded?: (callId: string) => void;
}

export interface IdleFlush {
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
  const tenants = new Map<string, string>();

  const toRecords = (
    out: CallWindows,
    arrivalOf: (endMs: number) => number,
    tenant: string,
    finals?: ReadonlySet<SpeakerWindow>,
  ): OutRecord[] => {
    const producedAtMs = now();
    const records: OutRecord[] = [];
    const speaker = (channel: Channel, window: SpeakerWindow): OutRecord => {
      const meta = {
        callId: out.callId,
        channel,
        tenant,
        producedAtMs,
        audioCompletedAtMs: arrivalOf(window.endMs),
        final: finals?.has(window) ?? false,
      };
      options.onWindow?.('features', meta.audioCompletedAtMs, producedAtMs);
      return outRecord(featuresTopic, featureWindowCodec, out.callId, toFeatureWindowRecord(window, meta));
    };
    const dynamics = (window: DynamicsWindow): OutRecord => {
      const meta = { callId: out.callId, tenant, producedAtMs, audioCompletedAtMs: arrivalOf(window.endMs) };
      options.onWindow?.('dynamics', meta.audioCompletedAtMs, producedAtMs);
      return outRecord(featuresTopic, dynamicsWindowCodec, out.callId, toDynamicsWindowRecord(window, meta));
    };
    for (const { channel, window } of out.windows) records.push(speaker(channel, window));
    for (const window of out.dynamics) records.push(dynamics(window));
    return records;
  };

  return {
    handle(record) {
      const chunk = record.value;
      if (chunk.callId !== record.key) {
        throw new DecodeError('DECODE_FAILED', 'record key is not the chunk call id');
      }
      const channel = asChannel(chunk.channel);
      if (chunk.codec === 'unspecified') throw new DecodeError('DECODE_FAILED', 'codec is unspecified');
      tenants.set(chunk.callId, chunk.tenant);
      const out = states.push(
        {
          partition: record.partition,
          offset: Number(record.offset),
          callId: chunk.callId,
          channel,
          startMs: chunk.audioStartMs,
          format: { codec: chunk.codec, sampleRateHz: chunk.sampleRateHz },
          payload: chunk.payload,
        },
        now(),
      );
      const arrivalOf = (endMs: number): number => audioArrivalMs(chunk, endMs);
      if (!(chunk.final && states.markFinal(chunk.callId, channel))) {
        return toRecords(out, arrivalOf, chunk.tenant);
      }
      tenants.delete(chunk.callId);
      const ended = states.end(chunk.callId);
      // The call is over: each speaker's last window tells the classifier to free its tracker.
      const finals = lastWindows(out, ended);
      return [
        ...toRecords(out, arrivalOf, chunk.tenant, finals),
        ...toRecords(ended, () => chunk.receivedAtMs, chunk.tenant, finals),
      ];
    },
    flushIdle() {
      const flushed: IdleFlush[] = [];
      for (const callId of states.idleCalls(now())) {
        const held = states.describe(callId);
        if (held === null) continue;
        const tenant = tenants.get(callId) ?? '';
        tenants.delete(callId);
        // No audio completed these windows: arrival 0 = unknown, left out of the latency histogram.
        const outputs = toRecords(states.end(callId), () => 0, tenant);
        flushed.push({ callId, partition: held.partition, neededOffset: held.neededOffset, outputs });
      }
      return flushed;
    },
    prune() {
      for (const callId of [...tenants.keys()]) if (!states.has(callId)) tenants.delete(callId);
    },
  };
}

/** Each speaker's last window among the outputs of a call that just ended. */
function lastWindows(...outs: CallWindows[]): Set<SpeakerWindow> {
  const last = new Map<Channel, SpeakerWindow>();
  for (const out of outs) for (const { channel, window } of out.windows) last.set(channel, window);
  return new Set(last.values());
}
