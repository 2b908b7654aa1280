// Validation of what a client sends: CallStart into a CallSpec, and each AudioFrame against it.
// Input shapes are what @grpc/proto-loader decodes (enums as their proto names). Pure.
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../pipelines/dsp/types.ts';
import { CALL_ID_PATTERN, MAX_FRAME_AUDIO_TIME_MS, SAMPLE_RATES_HZ } from '../shared/audio-chunk-limits.ts';
import {
  BIDI_CONTROL,
  callMetadataProblem,
  canonicalName,
  CONTROL_CHARACTER,
  type CallMetadataField,
} from '../shared/call-metadata.ts';
import type { CallEvent, WireCodec } from '../shared/records.ts';
import { wallTimeProblem } from '../shared/wall-clock.ts';
import { IngestError } from './errors.ts';

/** va.ingest.v1.CallStart as decoded with { enums: String, longs: Number, defaults: true }. */
export interface RawCallStart {
  callId: string;
  tenant: string;
  agentId: string;
  queue: string;
  customerRef: string;
  startTimeMs: number;
  codec: string;
  sampleRateHz: number;
  channels: string[];
  consent: { analytics: boolean; storeFeatures: boolean; historyOptOut?: boolean } | null;
  team: string;
  interleaved?: boolean;
  previousCallId?: string;
}

export interface RawAudioFrame {
  channel: string;
  sequence: number;
  audioTimeMs: number;
  payload: Buffer;
}

/** A validated CallStart: the call's metadata as CallEvent carries it, with a supported format. */
export interface CallSpec extends Pick<
  CallEvent,
  'callId' | 'tenant' | 'agentId' | 'queue' | 'team' | 'customerRef' | 'startTimeMs' | 'consent'
> {
  codec: WireCodec;
  sampleRateHz: 8000 | 16000;
  channels: Channel[];
  /** Frames carry every channel, interleaved sample by sample in `channels` order. */
  interleaved: boolean;
  /** The call this one continues (CallStart.previous_call_id); '' when none. */
  previousCallId: string;
}

const CODECS: Record<string, WireCodec> = {
  CODEC_LINEAR16: 'linear16',
  CODEC_PCMU: 'pcmu',
  CODEC_PCMA: 'pcma',
};
const CHANNELS: Record<string, Channel> = { CHANNEL_AGENT: 'agent', CHANNEL_CUSTOMER: 'customer' };
/** CallEnd's reason lands in the call's record and the store: as bounded as the metadata. */
const MAX_END_REASON_LENGTH = 200;

/** The store's limits (services/shared/call-metadata.ts): what passes here, the store keeps. */
function text(value: string | undefined, field: CallMetadataField): string {
  // Names in NFC (canonicalName); a customer reference as sent (its pseudonym hashes it).
  const out = field === 'customerRef' ? (value ?? '') : canonicalName(value ?? '');
  const problem = callMetadataProblem(field, out);
  if (problem) throw new IngestError('BAD_METADATA', problem);
  return out;
}

/**
 * 0 = now; otherwise a wall-clock time retention can expire (services/shared/wall-clock.ts). A
 * time ahead of the gateway's clock (a platform clock running fast) is the gateway's now: the
 * call cannot have started later than its CallStart arrived, and kept as sent, a call ended
 * before it started (negative durations in the QA pages).
 */
function startTime(ms: number, nowMs: number): number {
  if (ms === 0) return nowMs;
  const problem = ms < 0 ? 'is negative' : wallTimeProblem(ms, nowMs);
  if (problem) throw new IngestError('BAD_START_TIME', `start_time_ms ${problem}`);
  return Math.min(ms, nowMs);
}

export function validateCallStart(raw: RawCallStart, tokenTenant: string, nowMs: number): CallSpec {
  const callId = raw.callId === '' ? randomUUID() : raw.callId;
  if (!CALL_ID_PATTERN.test(callId)) {
    throw new IngestError('BAD_CALL_ID', 'call id must be 1-128 characters of A-Z a-z 0-9 . _ -');
  }
  const previousCallId = raw.previousCallId ?? '';
  if (previousCallId !== '' && (!CALL_ID_PATTERN.test(previousCallId) || previousCallId === callId)) {
    throw new IngestError(
      'BAD_PREVIOUS_CALL_ID',
      'previous_call_id must be another call id (1-128 characters of A-Z a-z 0-9 . _ -) or empty',
    );
  }
  if (raw.tenant !== '' && raw.tenant !== tokenTenant) {
    throw new IngestError('TENANT_MISMATCH', 'the call names another tenant than its token');
  }
  const codec = CODECS[raw.codec];
  if (!codec)
    throw new IngestError('UNSUPPORTED_CODEC', `codec ${raw.codec} is not supported (LINEAR16, PCMU, PCMA)`);
  if (!SAMPLE_RATES_HZ.includes(raw.sampleRateHz)) {
    throw new IngestError(
      'UNSUPPORTED_SAMPLE_RATE',
      `sample rate ${raw.sampleRateHz} Hz is not supported (${SAMPLE_RATES_HZ.join(', ')})`,
    );
  }
  const declared = raw.channels.length === 0 ? ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'] : raw.channels;
  const channels = declared.map((name) => CHANNELS[name]);
  if (channels.some((channel) => !channel) || new Set(channels).size !== channels.length) {
    throw new IngestError('BAD_CHANNEL_LAYOUT', 'channels must be agent and/or customer, each at most once');
  }
  return {
    callId,
    tenant: tokenTenant,
    agentId: text(raw.agentId, 'agentId'),
    queue: text(raw.queue, 'queue'),
    team: text(raw.team, 'team'),
    customerRef: text(raw.customerRef, 'customerRef'),
    startTimeMs: startTime(raw.startTimeMs, nowMs),
    codec,
    sampleRateHz: raw.sampleRateHz as CallSpec['sampleRateHz'],
    channels,
    interleaved: raw.interleaved === true,
    previousCallId,
    consent: {
      analytics: raw.consent?.analytics ?? false,
      storeFeatures: raw.consent?.storeFeatures ?? false,
      historyOptOut: raw.consent?.historyOptOut ?? false,
    },
  };
}

export function bytesPerSample(codec: WireCodec): number {
  return codec === 'linear16' ? 2 : 1;
}

/**
 * Checks one frame against the call; returns its channel, or null for a frame of an interleaved
 * call (every declared channel, sample by sample). The size limit is per channel's audio.
 */
export function validateFrame(frame: RawAudioFrame, spec: CallSpec, maxFrameBytes: number): Channel | null {
  const channel = spec.interleaved ? null : CHANNELS[frame.channel];
  if (spec.interleaved) {
    if (frame.channel !== 'CHANNEL_UNSPECIFIED')
      throw new IngestError(
        'UNDECLARED_CHANNEL',
        `the call is interleaved: frames carry every channel (channel CHANNEL_UNSPECIFIED), not ${frame.channel}`,
      );
  } else if (!channel || !spec.channels.includes(channel)) {
    throw new IngestError(
      'UNDECLARED_CHANNEL',
      `frame on channel ${frame.channel}, not declared in CallStart`,
    );
  }
  const channelsInFrame = spec.interleaved ? spec.channels.length : 1;
  const bytes = frame.payload.byteLength;
  if (bytes > maxFrameBytes * channelsInFrame) {
    throw new IngestError(
      'FRAME_TOO_LARGE',
      `frame of ${bytes} bytes exceeds the limit of ${maxFrameBytes} per channel`,
    );
  }
  if (!(frame.audioTimeMs >= 0 && frame.audioTimeMs <= MAX_FRAME_AUDIO_TIME_MS)) {
    throw new IngestError(
      'BAD_FRAME',
      `audio time ${frame.audioTimeMs} ms is outside 0..${MAX_FRAME_AUDIO_TIME_MS}`,
    );
  }
  if (bytes === 0 || bytes % (bytesPerSample(spec.codec) * channelsInFrame) !== 0) {
    throw new IngestError(
      'BAD_FRAME',
      `frame payload of ${bytes} bytes is not whole ${spec.codec} samples of ${channelsInFrame} channel(s)`,
    );
  }
  return channel ?? null;
}

/** CallEnd's reason, bounded like the call's metadata (it is stored with the call). */
export function validateEndReason(reason: string): string {
  // Shown on the QA page beside the agent and queue: no bidirectional override may reorder it.
  if (reason.length > MAX_END_REASON_LENGTH || CONTROL_CHARACTER.test(reason) || BIDI_CONTROL.test(reason)) {
    throw new IngestError(
      'BAD_METADATA',
      `end reason must be at most ${MAX_END_REASON_LENGTH} characters without control characters or bidirectional overrides`,
    );
  }
  return reason;
}
