// The adapter's live conversations: one CallSession per (tenant, conversation id), outliving the
// AudioHook session (WebSocket) that opened it, so a reconnect — the client opening a new session
// for the same conversation, continuing its position — continues the same call: same session,
// same batchers and chunk indexes, the timeline deduplicating what both sessions sent. A
// conversation whose session went away waits `reconnectGraceMs` for the next one, then ends as
// a gRPC stream that went away does (everything received is kept). Pure apart from timers.
import type { Logger } from '../../shared/logger.ts';
import { callKey } from '../../shared/call-key.ts';
import { createCallSession, type CallSession, type SessionSettings } from '../call-session.ts';
import { IngestError } from '../errors.ts';
import { newCallWhileDraining } from '../drain-reconnect.ts';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import type { KafkaSink } from '../kafka-sink.ts';
import type { LiveCalls } from '../live-calls.ts';
import type { RawCallStart } from '../validate.ts';
import { AUDIOHOOK_RATE_HZ } from '../../shared/audiohook/duration.ts';
import { createConversationTimeline, type ConversationTimeline } from './timeline.ts';

/** The AudioHook session currently carrying a conversation. */
export interface Attachment {
  readonly sessionId: string;
  /** The organisation whose signed upgrade opened the session: only its sessions continue its calls. */
  readonly orgId: string;
  /** The call ended: after an error (`disconnect` it) or cleanly (answer the pending `close`). */
  callEnded(error?: IngestError): void;
  /** A newer session of the conversation took over: this one carries nothing any more. */
  superseded(): void;
}

export interface Conversation {
  /** callKey(tenant, conversation id). */
  readonly key: string;
  readonly tenant: string;
  readonly orgId: string;
  readonly session: CallSession;
  readonly timeline: ConversationTimeline;
  readonly channels: number;
  /** The conversation's media channels in frame order (CHANNEL_CUSTOMER / CHANNEL_AGENT). */
  readonly layout: readonly string[];
  /** Audio the client paused (its positions exclude it), on the conversation's timeline. */
  pausedSamples: number;
  attachment: Attachment | null;
}

export type OpenResult =
  | { ok: true; conversation: Conversation; continued: boolean }
  | { ok: false; error: IngestError; counted: boolean };

export interface ConversationsDeps {
  settings: SessionSettings;
  sink: KafkaSink;
  liveCalls: LiveCalls;
  logger: Logger;
  metrics: GatewayMetrics;
  reconnectGraceMs: number;
  /** False while the gateway drains: only sessions continuing a live conversation are taken. */
  acceptsNewCalls: () => boolean;
}

export interface Conversations {
  /**
   * Attaches `attachment` to the conversation of `start`: a new call (CallStart validated and
   * claimed by the session), or a live one continuing (`continues` names the session it
   * replaces, or the conversation lost its session). A refusal says whether the gateway's error
   * metric already counted it (the session counts its own).
   */
  open(tenant: string, start: RawCallStart, attachment: Attachment, continues: readonly string[]): OpenResult;
  /**
   * Whether `tenant` (any tenant when null) has a live conversation here whose session dropped
   * (a reconnect may come). One still attached does not count: a draining gateway refuses other
   * upgrades before they complete (503), the answer platforms retry elsewhere on.
   */
  holdsCallOf(tenant: string | null): boolean;
  /** The channel layout of a live conversation (a reconnect must keep it), or null. */
  layoutOf(tenant: string, callId: string): readonly string[] | null;
  /** The attachment's socket closed (or `close` reason reconnect): wait for a reconnect. */
  detach(conversation: Conversation, attachment: Attachment): void;
  all(): Conversation[];
}

export function createConversations(deps: ConversationsDeps): Conversations {
  const live = new Map<string, Conversation>();
  const graceTimers = new Map<Conversation, NodeJS.Timeout>();

  const forget = (key: string, conversation: Conversation): void => {
    if (live.get(key) === conversation) live.delete(key);
    clearTimeout(graceTimers.get(conversation));
    graceTimers.delete(conversation);
  };

  const create = (tenant: string, start: RawCallStart, attachment: Attachment): OpenResult => {
    const key = callKey(tenant, start.callId);
    // The session calls `close` once, when the call is over (or its CallStart is refused).
    let conversation: Conversation | null = null;
    let refused: IngestError | undefined;
    let started = false;
    const session = createCallSession({
      tenant,
      settings: deps.settings,
      liveCalls: deps.liveCalls,
      sink: deps.sink,
      logger: deps.logger,
      metrics: deps.metrics,
      // AudioHook has no acknowledgements: progress is in the metrics.
      writeAck: () => undefined,
      close: (error) => {
        if (!conversation || !started) {
          refused = error;
          return;
        }
        forget(key, conversation);
        conversation.attachment?.callEnded(error);
      },
    });
    conversation = {
      key,
      tenant,
      orgId: attachment.orgId,
      session,
      timeline: createConversationTimeline(AUDIOHOOK_RATE_HZ),
      channels: start.channels.length,
      layout: [...start.channels],
      pausedSamples: 0,
      attachment,
    };
    session.handle({ message: 'start', start });
    if (session.state() !== 'live')
      return {
        ok: false,
        error: refused ?? new IngestError('INTERNAL_ERROR', 'the call did not start'),
        counted: true,
      };
    started = true;
    live.set(key, conversation);
    return { ok: true, conversation, continued: false };
  };

  return {
    open(tenant, start, attachment, continues) {
      const key = callKey(tenant, start.callId);
      const existing = live.get(key);
      if (!existing)
        return deps.acceptsNewCalls()
          ? create(tenant, start, attachment)
          : { ok: false, error: newCallWhileDraining(), counted: false };
      const previous = existing.attachment;
      const refuse = (error: IngestError): OpenResult => ({ ok: false, error, counted: false });
      // Another organisation of the same tenant is not this conversation going on.
      if (existing.orgId !== attachment.orgId)
        return refuse(
          new IngestError('CALL_ALREADY_LIVE', `conversation ${start.callId} is already streaming`),
        );
      if (previous && !continues.includes(previous.sessionId))
        return refuse(
          new IngestError('CALL_ALREADY_LIVE', `conversation ${start.callId} is already streaming`),
        );
      // The same parties in the same order: a reconnect offering them the other way round put the
      // agent's voice on the customer's channel.
      if (
        existing.layout.length !== start.channels.length ||
        existing.layout.some((channel, i) => start.channels[i] !== channel)
      )
        return refuse(
          new IngestError('BAD_CHANNEL_LAYOUT', 'a reconnect must keep the media of the conversation'),
        );
      clearTimeout(graceTimers.get(existing));
      graceTimers.delete(existing);
      existing.attachment = attachment;
      existing.session.hold(false);
      previous?.superseded();
      return { ok: true, conversation: existing, continued: true };
    },
    holdsCallOf(tenant) {
      for (const conversation of live.values())
        if (conversation.attachment === null && (tenant === null || conversation.tenant === tenant))
          return true;
      return false;
    },
    layoutOf(tenant, callId) {
      return live.get(callKey(tenant, callId))?.layout ?? null;
    },
    detach(conversation, attachment) {
      if (conversation.attachment !== attachment || conversation.session.state() !== 'live') return;
      conversation.attachment = null;
      // Waiting for a reconnect is not idleness: the sweep must not end the call meanwhile.
      conversation.session.hold(true);
      graceTimers.set(
        conversation,
        setTimeout(() => {
          graceTimers.delete(conversation);
          if (conversation.attachment !== null) return;
          conversation.session.hold(false);
          forget(conversation.key, conversation);
          if (conversation.session.state() === 'live')
            conversation.session.handle({ message: 'end', end: { reason: 'client-closed' } });
        }, deps.reconnectGraceMs),
      );
    },
    all: () => [...live.values()],
  };
}
