// The WebSocket protocol between the alert-service and its pages: client messages (validated
// with zod), server frames, and close codes. Shared by the server and the browser code. Pure.
import { z } from 'zod';

/** Close codes (RFC 6455 private range 4000-4999 for the application's own reasons). */
export const CLOSE = {
  /** No valid `auth` message in time, bad or expired token. */
  UNAUTHORIZED: 4001,
  /** Too many invalid client messages. */
  BAD_MESSAGES: 4002,
  /** The client did not read fast enough: its send buffer went over the limit. */
  SLOW_CONSUMER: 4008,
  /** More messages than ALERT_MAX_MESSAGES_PER_S allows (message-budget.ts). */
  TOO_MANY_MESSAGES: 4009,
  /** Over a connection cap (unauthenticated, per address or per user); the reason names which. */
  TOO_MANY_SOCKETS: 4029,
  /** The server is shutting down (standard "going away"). */
  GOING_AWAY: 1001,
  /** A client message over the size limit (standard, sent by `ws` itself). */
  TOO_BIG: 1009,
} as const;

export const clientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('auth'),
    token: z.string().min(10).max(8192),
    /** Resume: the last event sequence this client saw from `instanceId`. */
    resume: z.strictObject({ instanceId: z.string().max(64), lastSeq: z.number().int().min(0) }).optional(),
  }),
  z.strictObject({ type: z.literal('ack'), alertId: z.string().min(1).max(300) }),
  z.strictObject({ type: z.literal('ping'), t: z.number().optional() }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** A client message, or why it was refused (the hub sends that back as an `error` frame). */
export type ParsedClientMessage =
  { ok: true; message: ClientMessage } | { ok: false; code: 'BAD_MESSAGE'; message: string };

/** Parses one WebSocket message (`undefined` for a binary one); never throws. */
export function parseClientMessage(text: string | undefined): ParsedClientMessage {
  let json: unknown;
  try {
    json = text === undefined ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = clientMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    code: 'BAD_MESSAGE',
    message:
      json === undefined
        ? 'not a JSON text message'
        : `invalid message at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  };
}

export interface UserView {
  userId: string;
  role: string;
  tenant: string;
  agentId: string | null;
  teams: string[];
  displayName: string;
}

export interface SpeakerView {
  state: string;
  arousal: number | null;
  valence: number | null;
  pace: number | null;
  /**
   * Pace while speaking has stayed over the agent-too-fast limit for PACE_NOTE_SUSTAIN_MS
   * (pipelines/alerts/agent-pace.ts): the agent page's "too fast" note. One fast window is not.
   */
  paceTooFast: boolean;
  /**
   * The limit of the agent-too-fast rule in force for the call (a tenant's file may change it,
   * pipelines/alerts/pace-line.ts): the page's "fast for a moment" is said over it. Null: no such
   * rule judges the call (switched off, limited to other queues, not a plain limit), so the page
   * judges no pace. Absent (a service before it): AGENT_PACE_LIMIT.
   */
  paceLimit?: number | null;
  /** The tension index (0..1): an absolute heuristic, its level set by the voice and microphone. */
  tension: number | null;
  /**
   * Tension over the speaker's own first ~10 s of speech (pipelines/alerts/tension-rise.ts): what
   * the pages show as stress ("high" from TENSION_RISE_TENSE); null while that start is learnt.
   */
  tensionRise: number | null;
  /** Where the rise is measured from: still learning, the call start, or unknown (joined mid-call). */
  tensionFrom: 'learning' | 'call-start' | 'unknown';
  speaking: boolean;
}

/** What the call's start record says of it: who owns it and when it began (wall clock, Unix ms). */
export interface CallMeta {
  callId: string;
  tenant: string;
  agentId: string;
  team: string;
  queue: string;
  startedAtMs: number;
}

export interface CallView extends CallMeta {
  endedAtMs: number | null;
  audioMs: number;
  agent: SpeakerView;
  customer: SpeakerView;
  /**
   * The customer's mood per speech window, 0..1 (valence kept on the side of the class shown with
   * it: pipelines/emotion/mood-value.ts). Snapshot: the whole trend; state frames: only the newest
   * points (see moodPoints).
   */
  moodTrend: number[];
  /** Points ever added; a client appends the last (moodPoints - what it had) of moodTrend. */
  moodPoints: number;
  talkRatioAgent: number | null;
  cue: string | null;
  /** "3rd call in 7 days · last call ended angry · 2 escalations"; null when none or opted out. */
  history: string | null;
  /** The call is on hold (the platform's CallHold): the pages show "On hold". */
  onHold: boolean;
}

export interface AlertView {
  seq: number;
  alertId: string;
  callId: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  subject: string;
  severity: string;
  audience: string;
  message: string;
  cue: string | null;
  evidence: string[];
  audioMs: number;
  firedAtMs: number;
  tenant: string;
  agentId: string;
  team: string;
  queue: string;
  acknowledgedBy: string | null;
  acknowledgedAtMs: number | null;
  /**
   * Set in a snapshot, a replay or the state push after an id's reuse when the alert was fired on an earlier call whose id a later
   * call took (call-registry.ts ofEarlierCall): listed, but not the current call's (the
   * wallboard's tile of the new call does not show it).
   */
  earlierCall?: true;
}

export interface AckView {
  seq: number;
  alertId: string;
  callId: string;
  acknowledgedBy: string;
  acknowledgedAtMs: number;
}

/**
 * A call purged from the live view. With its tenant: call ids are the clients', so an every-tenant
 * admin may watch two tenants' calls of one id (a bare id would remove both tiles).
 */
export interface RemovedCallView {
  tenant: string;
  callId: string;
}

/** Why a call left the pages: a stable code the pages turn into a neutral line. */
export type ErasedReason = 'ERASED' | 'CONSENT_WITHDRAWN';

/**
 * A call whose customer the store erased, or whose caller withdrew analytics consent mid-call:
 * drop its tile and these alerts (the ones this page may hold; the frame names no customer).
 * Numbered in the tenant's replay log like alerts and acks.
 */
export interface ErasedView {
  seq: number;
  tenant: string;
  callId: string;
  alertIds: string[];
  reason: ErasedReason;
}

export type ServerFrame =
  | { type: 'welcome'; user: UserView; instanceId: string; heartbeatMs: number; serverTimeMs: number }
  /**
   * `full`: `alerts` is the whole list of recent alerts the client may see (a page drops the ones
   * it holds that are not in it: erased meanwhile); false when resuming (the missed frames follow).
   */
  | { type: 'snapshot'; seq: number; full: boolean; calls: CallView[]; alerts: AlertView[] }
  | { type: 'resumed'; fromSeq: number; replayed: number }
  | { type: 'state'; calls: CallView[]; removed: RemovedCallView[] }
  /**
   * `handedOver`: an earlier alert of a call just handed to the user (a transfer; live or at a
   * resume, hub-handover.ts), not a new one: listed as a reload lists it, not announced.
   */
  | { type: 'alert'; alert: AlertView; handedOver?: true }
  | { type: 'ack'; ack: AckView }
  | { type: 'erased'; erased: ErasedView }
  | { type: 'heartbeat'; serverTimeMs: number }
  | { type: 'pong'; t: number | null; serverTimeMs: number }
  | { type: 'error'; code: string; message: string };
