// The first text frame of an L16 WebSocket (jambonz `listen`: call attributes + sampleRate +
// mixType + the verb's metadata merged at the top level; mod_audio_fork: the metadata of its
// command) mapped to the gateway's CallStart, so the session validates it like a gRPC one. Pure.
import type { RawCallStart } from '../validate.ts';
import { IngestError } from '../errors.ts';
import type { L16WsSource, Party } from './sources.ts';

const CHANNEL_NAME: Record<Party, string> = { agent: 'CHANNEL_AGENT', customer: 'CHANNEL_CUSTOMER' };

/** Parses the first text frame: a JSON object, or BAD_METADATA. */
export function parseMetadata(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new IngestError('BAD_METADATA', 'the first text frame is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new IngestError('BAD_METADATA', 'the first text frame is not a JSON object');
  return parsed as Record<string, unknown>;
}

function text(meta: Record<string, unknown>, field: string): string {
  const value = meta[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new IngestError('BAD_METADATA', `${field} must be a string`);
  return value;
}

/** 8000, "8000", "8k" (mod_audio_fork's spelling); anything else is passed on to be refused. */
function sampleRateOf(value: unknown, fallback: number | null): number {
  if (value === undefined || value === null) return fallback ?? 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const k = /^(\d+)k$/i.exec(value.trim());
    return k ? Number(k[1]) * 1000 : Number(value) || 0;
  }
  return 0;
}

/** Channel names in interleaved order for the mixType; mixed is refused (one voice per channel). */
export function channelsFor(mixType: string, source: L16WsSource): string[] {
  if (mixType === 'stereo') {
    const agentFirst = source.agentChannel === 0;
    return agentFirst ? ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'] : ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'];
  }
  if (mixType === 'mono') return [CHANNEL_NAME[source.monoParty]];
  if (mixType === 'mixed') {
    throw new IngestError(
      'BAD_CHANNEL_LAYOUT',
      'mixType mixed puts both parties in one channel: send stereo (or mono for one party)',
    );
  }
  throw new IngestError('BAD_CHANNEL_LAYOUT', 'mixType must be stereo or mono');
}

/** A misspelt consent key must not read as "not given": it is refused, not ignored. */
const CONSENT_KEYS = new Set(['analytics', 'storeFeatures', 'history']);

function consentOf(value: unknown, source: L16WsSource): RawCallStart['consent'] {
  if (value === undefined || value === null) return source.consent;
  const c = value as Record<string, unknown>;
  if (typeof value !== 'object' || typeof c.analytics !== 'boolean')
    throw new IngestError(
      'BAD_METADATA',
      'consent must be {analytics: boolean, storeFeatures?: boolean, history?: boolean}',
    );
  const unknown = Object.keys(c).find((key) => !CONSENT_KEYS.has(key));
  if (unknown !== undefined)
    throw new IngestError(
      'BAD_METADATA',
      `consent.${unknown.slice(0, 40)} is not a consent field (analytics, storeFeatures, history)`,
    );
  if (c.storeFeatures !== undefined && typeof c.storeFeatures !== 'boolean')
    throw new IngestError('BAD_METADATA', 'consent.storeFeatures must be a boolean');
  if (c.history !== undefined && typeof c.history !== 'boolean')
    throw new IngestError('BAD_METADATA', 'consent.history must be a boolean');
  // history: false keeps the call out of the customer's history; absent = the source's setting.
  return {
    analytics: c.analytics,
    storeFeatures: c.storeFeatures === true,
    historyOptOut: c.history === undefined ? source.consent.historyOptOut : c.history === false,
  };
}

/**
 * CallStart of the call: LINEAR16, the frame's (or the source's) sample rate, one channel per
 * party in the stream's order, interleaved. The call id is `callSid` (jambonz) or `uuid`
 * (FreeSWITCH channel uuid) — never the SIP Call-ID, which is not a valid call id — or a new one.
 */
export function callStartFromMetadata(meta: Record<string, unknown>, source: L16WsSource): RawCallStart {
  const mixType = meta.mixType ?? source.mixType ?? 'mono';
  if (typeof mixType !== 'string') throw new IngestError('BAD_CHANNEL_LAYOUT', 'mixType must be a string');
  return {
    callId: text(meta, 'callSid') || text(meta, 'uuid'),
    tenant: text(meta, 'tenant'),
    agentId: text(meta, 'agentId'),
    queue: text(meta, 'queue'),
    team: text(meta, 'team'),
    customerRef: text(meta, 'customerRef'),
    startTimeMs: 0,
    codec: 'CODEC_LINEAR16',
    sampleRateHz: sampleRateOf(meta.sampleRate, source.sampleRate),
    channels: channelsFor(mixType, source),
    consent: consentOf(meta.consent, source),
    interleaved: true,
    previousCallId: text(meta, 'previousCallId'),
  };
}
