// Twilio Media Streams messages (twilio.com/docs/voice/media-streams/websocket-messages): parses
// each text frame Twilio sends and maps `start` to a CallStart and `media` to an AudioFrame of the
// gateway's own protocol, so the call takes the gRPC path's session from there. Pure.
// Tracks: `inbound` (audio from the caller: the customer) and `outbound` (audio to the caller:
// the agent). Each track is one channel; its frames are placed by `timestamp` (ms since the
// stream started), so a track starting late or a lost frame becomes silence in the call.
import { IngestError } from './errors.ts';
import type { RawCallStart } from './validate.ts';

export type TwilioTrack = 'inbound' | 'outbound';

export interface TwilioStart {
  streamSid: string;
  accountSid: string;
  callSid: string;
  tracks: TwilioTrack[];
  customParameters: Record<string, string>;
  mediaFormat: { encoding: string; sampleRate: number; channels: number };
}

export interface TwilioMedia {
  track: TwilioTrack;
  chunk: number;
  timestampMs: number;
  payload: Buffer;
}

export type TwilioMessage = (
  | { event: 'connected' }
  | { event: 'start'; streamSid: string; start: TwilioStart }
  | { event: 'media'; streamSid: string | undefined; media: TwilioMedia }
  | { event: 'stop'; streamSid: string | undefined }
  | { event: 'mark' | 'dtmf' }
  /** An event this adapter does not know (Twilio may add some): ignored, counted. */
  | { event: 'unknown' }
) & {
  /** Stream-wide message number (1 = the first after `connected`); absent on `connected`. */
  sequenceNumber?: number;
};

/** The only media Twilio Media Streams sends: G.711 µ-law, 8 kHz, mono per track. */
export const TWILIO_MEDIA_FORMAT = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } as const;

const TRACK_CHANNEL: Record<TwilioTrack, string> = {
  inbound: 'CHANNEL_CUSTOMER',
  outbound: 'CHANNEL_AGENT',
};

/** Custom <Parameter> names the adapter reads; any other parameter is ignored (never stored). */
export const TWILIO_PARAMETERS = {
  agentId: 'agentId',
  queue: 'queue',
  team: 'team',
  customerRef: 'customerRef',
  consentAnalytics: 'consentAnalytics',
  consentStoreFeatures: 'consentStoreFeatures',
  /** `false` keeps the call out of the customer's history (Consent.history_opt_out). */
  history: 'history',
  /** The call this one continues (CallStart.previous_call_id): the first call's CallSid on a transfer. */
  previousCallId: 'previousCallId',
} as const;

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
const DIGITS = /^\d{1,15}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const bad = (what: string): IngestError => new IngestError('BAD_MESSAGE', what);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sid(value: unknown, prefix: string, field: string): string {
  if (typeof value !== 'string' || !SID.test(value) || !value.startsWith(prefix))
    throw bad(`${field} must be a Twilio SID (${prefix} + 32 hex digits)`);
  return value;
}

/** Twilio sends counters as decimal strings; numbers are accepted too. */
function count(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  throw bad(`${field} must be a non-negative integer`);
}

function track(value: unknown, field: string): TwilioTrack {
  if (value === 'inbound' || value === 'outbound') return value;
  throw new IngestError('BAD_CHANNEL_LAYOUT', `${field} must be inbound or outbound`);
}

function parseStart(body: unknown): TwilioStart {
  if (!isObject(body)) throw bad('start: missing the start object');
  const format = body.mediaFormat;
  if (!isObject(format)) throw bad('start.mediaFormat: missing');
  const params = body.customParameters ?? {};
  if (!isObject(params)) throw bad('start.customParameters: must be an object');
  const customParameters: Record<string, string> = {};
  for (const name of Object.values(TWILIO_PARAMETERS)) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value !== 'string')
      throw new IngestError('BAD_METADATA', `parameter ${name} must be a string`);
    customParameters[name] = value;
  }
  if (!Array.isArray(body.tracks) || body.tracks.length === 0 || body.tracks.length > 2)
    throw new IngestError('BAD_CHANNEL_LAYOUT', 'start.tracks must list inbound and/or outbound');
  const tracks = body.tracks.map((t, k) => track(t, `start.tracks[${k}]`));
  if (new Set(tracks).size !== tracks.length)
    throw new IngestError('BAD_CHANNEL_LAYOUT', 'start.tracks names a track twice');
  return {
    streamSid: sid(body.streamSid, 'MZ', 'start.streamSid'),
    accountSid: sid(body.accountSid, 'AC', 'start.accountSid'),
    callSid: sid(body.callSid, 'CA', 'start.callSid'),
    tracks,
    customParameters,
    mediaFormat: {
      encoding: String(format.encoding),
      sampleRate: Number(format.sampleRate),
      channels: Number(format.channels),
    },
  };
}

function parseMedia(body: unknown): TwilioMedia {
  if (!isObject(body)) throw new IngestError('BAD_FRAME', 'media: missing the media object');
  const payload = body.payload;
  if (typeof payload !== 'string' || payload.length % 4 !== 0 || !BASE64.test(payload))
    throw new IngestError('BAD_FRAME', 'media.payload must be base64');
  return {
    track: track(body.track, 'media.track'),
    chunk: count(body.chunk, 'media.chunk'),
    timestampMs: count(body.timestamp, 'media.timestamp'),
    payload: Buffer.from(payload, 'base64'),
  };
}

/** One text frame from Twilio; throws IngestError (BAD_MESSAGE, BAD_FRAME, …) when invalid. */
export function parseTwilioMessage(text: string): TwilioMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isObject(message) || typeof message.event !== 'string') throw bad('no event name');
  const streamSid = message.streamSid === undefined ? undefined : sid(message.streamSid, 'MZ', 'streamSid');
  const sequenceNumber =
    message.sequenceNumber === undefined ? undefined : count(message.sequenceNumber, 'sequenceNumber');
  return { ...parseEvent(message, streamSid), sequenceNumber };
}

function parseEvent(message: Record<string, unknown>, streamSid: string | undefined): TwilioMessage {
  switch (message.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start': {
      const start = parseStart(message.start);
      if (streamSid !== undefined && streamSid !== start.streamSid)
        throw bad('streamSid differs from start.streamSid');
      return { event: 'start', streamSid: start.streamSid, start };
    }
    case 'media':
      return { event: 'media', streamSid, media: parseMedia(message.media) };
    case 'stop':
      return { event: 'stop', streamSid };
    case 'mark':
    case 'dtmf':
      return { event: message.event };
    default:
      return { event: 'unknown' };
  }
}

function flag(params: Record<string, string>, name: string): boolean {
  const value = params[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new IngestError('BAD_METADATA', `parameter ${name} must be true or false`);
}

/**
 * The CallStart of a stream: call id = CallSid, the tenant the account maps to, metadata and
 * consent from the custom parameters (no consent parameter = no analytics). Only Twilio's
 * µ-law 8 kHz mono is accepted (UNSUPPORTED_CODEC / UNSUPPORTED_SAMPLE_RATE / BAD_CHANNEL_LAYOUT).
 */
export function toCallStart(start: TwilioStart, tenant: string): RawCallStart {
  const { encoding, sampleRate, channels } = start.mediaFormat;
  if (encoding !== TWILIO_MEDIA_FORMAT.encoding)
    throw new IngestError(
      'UNSUPPORTED_CODEC',
      `media encoding ${encoding.slice(0, 40)} is not audio/x-mulaw`,
    );
  if (sampleRate !== TWILIO_MEDIA_FORMAT.sampleRate)
    throw new IngestError('UNSUPPORTED_SAMPLE_RATE', `media sample rate ${sampleRate} is not 8000 Hz`);
  if (channels !== TWILIO_MEDIA_FORMAT.channels)
    throw new IngestError('BAD_CHANNEL_LAYOUT', `media channels ${channels}: each track must be mono`);
  const p = start.customParameters;
  return {
    callId: start.callSid,
    tenant,
    agentId: p.agentId ?? '',
    queue: p.queue ?? '',
    team: p.team ?? '',
    customerRef: p.customerRef ?? '',
    startTimeMs: 0,
    codec: 'CODEC_PCMU',
    sampleRateHz: 8000,
    channels: channelsOfTracks(start.tracks),
    consent: {
      analytics: flag(p, TWILIO_PARAMETERS.consentAnalytics),
      storeFeatures: flag(p, TWILIO_PARAMETERS.consentStoreFeatures),
      // Absent = in the history, as for gRPC senders that do not know the field.
      historyOptOut: p[TWILIO_PARAMETERS.history] !== undefined && !flag(p, TWILIO_PARAMETERS.history),
    },
    interleaved: false,
    previousCallId: p[TWILIO_PARAMETERS.previousCallId] ?? '',
  };
}

/** Twilio sends 20 ms of audio per media message. */
export const TWILIO_FRAME_MS = 20;

/** The channel a track's audio goes to. */
export const channelOfTrack = (track: TwilioTrack): string => TRACK_CHANNEL[track];

/**
 * Where a new stream of a call that dropped goes on: its timestamps restart at 0, so they are
 * shifted past the audio the call reached plus the time the call was gone (filled as silence),
 * on a frame boundary so every later slot stays a whole frame.
 */
export function resumeOffsetMs(reachedAudioMs: number, goneMs: number): number {
  return Math.round((reachedAudioMs + Math.max(0, goneMs)) / TWILIO_FRAME_MS) * TWILIO_FRAME_MS;
}

/** The tracks of a stream as the call's channels (a reconnect must carry the same ones). */
export const channelsOfTracks = (tracks: readonly TwilioTrack[]): string[] =>
  tracks.map((t) => TRACK_CHANNEL[t]);
