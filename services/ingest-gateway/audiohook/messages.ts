// AudioHook protocol version 2 text messages (Genesys Cloud AudioHook protocol specification,
// "Message structure"; message types as in purecloudlabs/audiohook-reference-implementation
// app/audiohook/src/protocol/message.ts): parses and validates what the client (Genesys) sends and
// builds what the server sends. Client messages carry `seq` (1, 2, … per session), `serverseq`
// (the last server seq it received) and `position` (ISO 8601 duration of the audio stream so
// far); server messages carry `seq` and `clientseq`. Positions are kept in samples at 8 kHz
// (the protocol's only rate). Pure.
import { IngestError } from '../errors.ts';
import { AUDIOHOOK_RATE_HZ } from '../../shared/audiohook/duration.ts';
import { UUID } from './config.ts';

export interface MediaOffer {
  type: string;
  format: string;
  channels: string[];
  rate: number;
}

export interface OpenParameters {
  organizationId: string;
  conversationId: string;
  participant: { id: string; ani: string; aniName: string; dnis: string };
  media: MediaOffer[];
  language: string | null;
  customConfig: Record<string, unknown>;
  continuedSessions: { id: string; serverseq: number; clientseq: number }[];
}

export type CloseReason = 'end' | 'error' | 'disconnect' | 'reconnect';

export type ClientBody =
  | { type: 'open'; parameters: OpenParameters }
  | { type: 'close'; parameters: { reason: CloseReason } }
  | { type: 'ping' }
  | { type: 'paused' }
  | { type: 'resumed'; parameters: { startSamples: number; discardedSamples: number } }
  | { type: 'discarded'; parameters: { startSamples: number; discardedSamples: number } }
  | { type: 'update'; parameters: { language: string | null } }
  | { type: 'error'; parameters: { code: number; message: string } };

export type ClientMessage = ClientBody & {
  id: string;
  seq: number;
  serverseq: number;
  /** The `position` field, in samples. */
  positionSamples: number;
};

const bad = (what: string): IngestError => new IngestError('BAD_MESSAGE', what);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const seqOf = (v: unknown, field: string): number => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw bad(`${field} must be a non-negative integer`);
};
const uuidOf = (v: unknown, field: string): string => {
  if (typeof v === 'string' && UUID.test(v)) return v.toLowerCase();
  throw bad(`${field} must be a UUID`);
};
const textOf = (v: unknown, field: string, max = 200): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && v.length <= max) return v;
  throw new IngestError('BAD_METADATA', `${field} must be a string of at most ${max} characters`);
};

const DURATION = /^PT(\d{1,9}(?:\.\d{1,9})?)S$/;

/** An AudioHook duration ("PT12.34S": non-negative seconds) in samples at 8 kHz. */
export function durationSamples(value: unknown, field: string): number {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!match) throw bad(`${field} must be a duration like PT1.5S`);
  return Math.round(Number(match[1]) * AUDIOHOOK_RATE_HZ);
}

function parseOpen(p: Record<string, unknown>): OpenParameters {
  const participant = p.participant;
  if (!isObject(participant)) throw bad('open: parameters.participant must be an object');
  if (!Array.isArray(p.media)) throw bad('open: parameters.media must be an array');
  const media = p.media.slice(0, 16).map((m, k): MediaOffer => {
    if (!isObject(m) || !Array.isArray(m.channels))
      throw bad(`open: media[${k}] must be {type, format, channels, rate}`);
    return {
      type: String(m.type),
      format: String(m.format),
      channels: m.channels.slice(0, 8).map(String),
      rate: Number(m.rate),
    };
  });
  const continued = p.continuedSessions ?? [];
  if (!Array.isArray(continued)) throw bad('open: continuedSessions must be an array');
  if (p.customConfig !== undefined && !isObject(p.customConfig))
    throw bad('open: customConfig must be an object');
  return {
    organizationId: uuidOf(p.organizationId, 'open: organizationId'),
    conversationId: uuidOf(p.conversationId, 'open: conversationId'),
    participant: {
      id: uuidOf(participant.id, 'open: participant.id'),
      ani: textOf(participant.ani, 'participant.ani'),
      aniName: textOf(participant.aniName, 'participant.aniName'),
      dnis: textOf(participant.dnis, 'participant.dnis'),
    },
    media,
    language: p.language === undefined ? null : textOf(p.language, 'language', 32),
    customConfig: (p.customConfig as Record<string, unknown> | undefined) ?? {},
    continuedSessions: continued.slice(0, 16).map((c, k) => {
      if (!isObject(c)) throw bad(`open: continuedSessions[${k}] must be an object`);
      return {
        id: uuidOf(c.id, `continuedSessions[${k}].id`),
        serverseq: seqOf(c.serverseq, `continuedSessions[${k}].serverseq`),
        clientseq: seqOf(c.clientseq, `continuedSessions[${k}].clientseq`),
      };
    }),
  };
}

function parseBody(type: string, p: Record<string, unknown>): ClientBody {
  switch (type) {
    case 'open':
      return { type, parameters: parseOpen(p) };
    case 'close': {
      const reason = p.reason;
      if (reason !== 'end' && reason !== 'error' && reason !== 'disconnect' && reason !== 'reconnect')
        throw bad('close: reason must be end, error, disconnect or reconnect');
      return { type, parameters: { reason } };
    }
    case 'ping':
    case 'paused':
      return { type };
    case 'resumed':
    case 'discarded':
      return {
        type,
        parameters: {
          startSamples: durationSamples(p.start, `${type}: start`),
          discardedSamples: durationSamples(p.discarded, `${type}: discarded`),
        },
      };
    case 'update':
      return {
        type,
        parameters: { language: p.language === undefined ? null : textOf(p.language, 'language', 32) },
      };
    case 'error': {
      if (typeof p.code !== 'number' || !Number.isInteger(p.code))
        throw bad('error: code must be an integer');
      return { type, parameters: { code: p.code, message: textOf(p.message, 'error: message', 1000) } };
    }
    default:
      throw bad(`'${type.slice(0, 20)}' is not an AudioHook client message`);
  }
}

/** One text frame from the client; throws IngestError (BAD_MESSAGE, BAD_METADATA) when invalid. */
export function parseClientMessage(text: string): ClientMessage {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isObject(m)) throw bad('not a JSON object');
  if (m.version !== '2') throw bad('version must be "2"');
  if (typeof m.type !== 'string') throw bad('no message type');
  const parameters = m.parameters ?? {};
  if (!isObject(parameters)) throw bad('parameters must be an object');
  return {
    ...parseBody(m.type, parameters),
    id: uuidOf(m.id, 'id'),
    seq: seqOf(m.seq, 'seq'),
    serverseq: seqOf(m.serverseq, 'serverseq'),
    positionSamples: durationSamples(m.position, 'position'),
  };
}

export type ServerType = 'opened' | 'pong' | 'closed' | 'disconnect' | 'updated';

/** A server message as JSON text. */
export function serverMessage(
  sessionId: string,
  type: ServerType,
  seq: number,
  clientseq: number,
  parameters: Record<string, unknown> = {},
): string {
  return JSON.stringify({ version: '2', id: sessionId, type, seq, clientseq, parameters });
}
