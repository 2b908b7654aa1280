// Mapping between the pipelines' TypeScript shapes (pipelines/dsp, pipelines/emotion) and the
// Kafka record shapes of records.ts, plus the deterministic event ids. Pure.
import type { Channel, DynamicsWindow, SpeakerWindow } from '../../pipelines/dsp/types.ts';
import {
  EMOTION_LABELS,
  type EmotionEvent,
  type EmotionLabel,
  type EmotionState,
} from '../../pipelines/emotion/types.ts';
import { DecodeError } from './codec.ts';
import type {
  AudioChunk,
  DynamicsWindowRecord,
  EmotionEventRecord,
  FeatureWindowRecord,
  WireChannel,
} from './records.ts';

/** Deterministic ids (DESIGN.md): a replay produces the same id, consumers drop duplicates. */
export function eventId(
  callId: string,
  channel: Channel | 'both',
  windowIndex: number,
  kind: string,
): string {
  return `${callId}:${channel}:${windowIndex}:${kind}`;
}

/** Narrows a decoded channel; 'unspecified' is a bad record. */
export function asChannel(channel: WireChannel): Channel {
  if (channel === 'agent' || channel === 'customer') return channel;
  throw new DecodeError('DECODE_FAILED', `channel "${channel}" is not agent or customer`);
}

/**
 * Wall-clock arrival at the gateway of the audio at `audioMs` inside a chunk, interpolated between
 * its first and last frame (frames arrive in real time). Latency = produced - this.
 */
export function audioArrivalMs(chunk: AudioChunk, audioMs: number): number {
  const span = chunk.audioEndMs - chunk.audioStartMs;
  if (span <= 0 || audioMs >= chunk.audioEndMs) return chunk.receivedAtMs;
  if (audioMs <= chunk.audioStartMs) return chunk.firstReceivedAtMs;
  const share = (audioMs - chunk.audioStartMs) / span;
  // Whole ms: the field is an int64 on the wire (a fraction, e.g. inside a chunk whose span
  // includes gap-filled silence, failed to encode and the window was dead-lettered).
  return Math.round(chunk.firstReceivedAtMs + share * (chunk.receivedAtMs - chunk.firstReceivedAtMs));
}

export interface EventMeta {
  callId: string;
  tenant?: string;
  /** Wall clock (Unix ms) when the record is produced. */
  producedAtMs: number;
  /** Wall clock when the audio completing the window reached the gateway (see audioArrivalMs). */
  audioCompletedAtMs: number;
}

export function toFeatureWindowRecord(
  window: SpeakerWindow,
  meta: EventMeta & { channel: Channel; final?: boolean; agentLeg?: number },
): FeatureWindowRecord {
  return {
    eventId: eventId(meta.callId, meta.channel, window.windowIndex, 'features'),
    callId: meta.callId,
    channel: meta.channel,
    windowIndex: window.windowIndex,
    startMs: window.startMs,
    endMs: window.endMs,
    speechFraction: window.speechFraction,
    voicedFraction: window.voicedFraction,
    pace: { ...window.pace },
    pitch: { ...window.pitch },
    loudness: { ...window.loudness },
    voiceQuality: { ...window.voiceQuality },
    tensionIndex: window.tensionIndex,
    functionals: Array.from(window.functionals),
    producedAtMs: meta.producedAtMs,
    audioCompletedAtMs: meta.audioCompletedAtMs,
    tenant: meta.tenant ?? '',
    final: meta.final ?? false,
    onHold: window.onHold === true,
    agentLeg: meta.agentLeg ?? 0,
  };
}

export interface FeatureWindowEvent {
  eventId: string;
  callId: string;
  channel: Channel;
  tenant: string;
  producedAtMs: number;
  audioCompletedAtMs: number;
  /** The speaker's last window of the call: its tracker can be freed once this is processed. */
  final: boolean;
  /** Whose agent leg the window's newest audio is (FeatureWindow.agent_leg, a digest); 0 = unknown. */
  agentLeg: number;
  window: SpeakerWindow;
}

export function fromFeatureWindowRecord(record: FeatureWindowRecord): FeatureWindowEvent {
  return {
    eventId: record.eventId,
    callId: record.callId,
    channel: asChannel(record.channel),
    tenant: record.tenant,
    producedAtMs: record.producedAtMs,
    audioCompletedAtMs: record.audioCompletedAtMs,
    final: record.final ?? false,
    agentLeg: record.agentLeg ?? 0,
    window: {
      windowIndex: record.windowIndex,
      startMs: record.startMs,
      endMs: record.endMs,
      speechFraction: record.speechFraction,
      voicedFraction: record.voicedFraction,
      pace: { ...record.pace },
      pitch: { ...record.pitch },
      loudness: { ...record.loudness },
      voiceQuality: { ...record.voiceQuality },
      tensionIndex: record.tensionIndex,
      functionals: Float64Array.from(record.functionals),
      ...(record.onHold === true ? { onHold: true } : {}),
    },
  };
}

export function toDynamicsWindowRecord(window: DynamicsWindow, meta: EventMeta): DynamicsWindowRecord {
  return {
    eventId: eventId(meta.callId, 'both', window.windowIndex, 'dynamics'),
    callId: meta.callId,
    ...window,
    agentResponseLatencyMs: [...window.agentResponseLatencyMs],
    customerResponseLatencyMs: [...window.customerResponseLatencyMs],
    holdMs: window.holdMs ?? 0,
    onHold: (window.holdMs ?? 0) > 0,
    producedAtMs: meta.producedAtMs,
    audioCompletedAtMs: meta.audioCompletedAtMs,
    tenant: meta.tenant ?? '',
  };
}

export function fromDynamicsWindowRecord(record: DynamicsWindowRecord): DynamicsWindow {
  return {
    windowIndex: record.windowIndex,
    startMs: record.startMs,
    endMs: record.endMs,
    overtalkCount: record.overtalkCount,
    overtalkMs: record.overtalkMs,
    mutualSilenceMs: record.mutualSilenceMs,
    longestMutualSilenceMs: record.longestMutualSilenceMs,
    talkRatioAgent: record.talkRatioAgent,
    agentResponseLatencyMs: [...record.agentResponseLatencyMs],
    customerResponseLatencyMs: [...record.customerResponseLatencyMs],
    ...((record.holdMs ?? 0) > 0 ? { holdMs: record.holdMs } : {}),
    ...((record.customerLineFaultMs ?? 0) > 0 ? { customerLineFaultMs: record.customerLineFaultMs } : {}),
  };
}

export function toEmotionEventRecord(
  event: EmotionEvent,
  meta: Omit<EventMeta, 'callId'>,
): EmotionEventRecord {
  return {
    ...event,
    probabilities: { ...event.probabilities },
    evidence: [...event.evidence],
    producedAtMs: meta.producedAtMs,
    audioCompletedAtMs: meta.audioCompletedAtMs,
    tenant: meta.tenant ?? '',
  };
}

const LABELS = new Set<string>(EMOTION_LABELS);
const STATES = new Set<string>([...EMOTION_LABELS, 'no-speech', 'uncertain']);

export interface EmotionEventWithMeta {
  event: EmotionEvent;
  tenant: string;
  producedAtMs: number;
  audioCompletedAtMs: number;
}

export function fromEmotionEventRecord(record: EmotionEventRecord): EmotionEventWithMeta {
  if (!STATES.has(record.state))
    // Not quoted: a bad record's text must not travel into logs and dead letters (privacy probe).
    throw new DecodeError('DECODE_FAILED', `emotion state is not one of ${[...STATES].join(', ')}`);
  if (!LABELS.has(record.rawLabel))
    throw new DecodeError('DECODE_FAILED', `raw label is not one of ${EMOTION_LABELS.join(', ')}`);
  const probabilities = {} as Record<EmotionLabel, number>;
  for (const label of EMOTION_LABELS) probabilities[label] = record.probabilities[label] ?? 0;
  return {
    event: {
      eventId: record.eventId,
      callId: record.callId,
      channel: asChannel(record.channel),
      windowIndex: record.windowIndex,
      startMs: record.startMs,
      endMs: record.endMs,
      state: record.state as EmotionState,
      changed: record.changed,
      rawLabel: record.rawLabel as EmotionLabel,
      probabilities,
      arousal: record.arousal,
      valence: record.valence,
      // Records from producers before model v2 carry 0: the decision's own distance from 0.5.
      arousalConfidence: record.arousalConfidence || Math.max(record.arousal, 1 - record.arousal),
      valenceConfidence: record.valenceConfidence || Math.max(record.valence, 1 - record.valence),
      confidence: record.confidence,
      evidence: [...record.evidence],
      ...(record.onHold === true ? { onHold: true } : {}),
    },
    tenant: record.tenant,
    producedAtMs: record.producedAtMs,
    audioCompletedAtMs: record.audioCompletedAtMs,
  };
}
