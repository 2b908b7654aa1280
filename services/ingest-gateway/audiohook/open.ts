// The `open` transaction's decisions: which offered media the server takes (PCMU 8 kHz, both
// parties preferred: channels `external` = the customer, `internal` = the agent, interleaved in
// the offered order), and the CallStart of the conversation, so the gateway's session validates
// it like a gRPC one. Pure.
import { IngestError } from '../errors.ts';
import type { RawCallStart } from '../validate.ts';
import type { AudioHookOrg } from './config.ts';
import { AUDIOHOOK_RATE_HZ } from '../../shared/audiohook/duration.ts';
import type { MediaOffer, OpenParameters } from './messages.ts';

const CHANNEL_OF: Record<string, string> = { external: 'CHANNEL_CUSTOMER', internal: 'CHANNEL_AGENT' };

const usable = (m: MediaOffer): boolean =>
  m.type === 'audio' &&
  m.format === 'PCMU' &&
  m.rate === AUDIOHOOK_RATE_HZ &&
  m.channels.length > 0 &&
  // Own keys only: `in` also matched `__proto__` and `constructor`, taking such an offer as usable.
  m.channels.every((c) => Object.hasOwn(CHANNEL_OF, c)) &&
  new Set(m.channels).size === m.channels.length;

/**
 * The offer to accept: the first usable stereo one, else the first usable mono one. None usable
 * (L16 only, another rate, unknown channels): UNSUPPORTED_CODEC, which the adapter answers with
 * the protocol's `disconnect` (reason error), never a dropped socket.
 */
export function selectMedia(
  offered: readonly MediaOffer[],
  layout: readonly string[] | null = null,
): MediaOffer {
  const ok = offered.filter(usable);
  // A reconnect takes the offer with the conversation's parties in its order, when one has it.
  const same = layout && ok.find((m) => m.channels.map((c) => CHANNEL_OF[c]).join() === layout.join());
  const chosen = same || (ok.find((m) => m.channels.length === 2) ?? ok[0]);
  if (!chosen) {
    const what = offered.map((m) => `${m.format}/${m.rate}/${m.channels.join('+')}`).join(', ') || 'nothing';
    throw new IngestError(
      'UNSUPPORTED_CODEC',
      `no offered media is PCMU 8000 Hz with external/internal channels (offered ${what.slice(0, 60)})`,
    );
  }
  return chosen;
}

/** `open` names no agent (only the external participant): calls carry this unless customConfig does. */
export const UNASSIGNED_AGENT = 'audiohook-unassigned';

const configText = (config: Record<string, unknown>, key: string): string => {
  const v = config[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new IngestError('BAD_METADATA', `customConfig.${key} must be a string`);
  return v;
};

/**
 * CallStart of a conversation: call id = conversationId (every session of the conversation,
 * reconnects included, is the same call); the customer reference = the participant's ANI (or,
 * without one, its participant id), pseudonymised by the session before it leaves the gateway;
 * agent (else UNASSIGNED_AGENT), queue and team from the integration's customConfig; consent
 * from the organisation.
 */
export function callStartFromOpen(open: OpenParameters, media: MediaOffer, org: AudioHookOrg): RawCallStart {
  return {
    callId: open.conversationId,
    tenant: org.tenant,
    agentId: configText(open.customConfig, 'agentId') || UNASSIGNED_AGENT,
    queue: configText(open.customConfig, 'queue'),
    team: configText(open.customConfig, 'team'),
    customerRef: open.participant.ani || open.participant.id,
    startTimeMs: 0,
    codec: 'CODEC_PCMU',
    sampleRateHz: AUDIOHOOK_RATE_HZ,
    channels: media.channels.map((c) => CHANNEL_OF[c]),
    consent: org.consent,
    interleaved: true,
  };
}
