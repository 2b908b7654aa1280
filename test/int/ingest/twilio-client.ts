// A Twilio Media Streams client for the tests: signs the upgrade as Twilio does (X-Twilio-Signature
// over the public URL), then plays a call as Twilio sends it: `connected`, `start`, then per 20 ms
// one µ-law `media` message per track (inbound = customer, outbound = agent) with the stream-wide
// `sequenceNumber`, the per-track `chunk` and the `timestamp` in ms since the stream began, then
// `stop`. Message shapes from twilio.com/docs/voice/media-streams/websocket-messages.
// I/O: a WebSocket.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { twilioSignature } from '../../../services/shared/twilio-signature.ts';

export const FRAME_BYTES = 160; // 20 ms of 8 kHz µ-law: what Twilio sends per media message

export const twilioSid = (prefix: string): string => prefix + randomBytes(16).toString('hex');

/** A Twilio account whose streams the gateway takes: its sid, its tenant and its auth token. */
export interface TwilioAccount {
  sid: string;
  tenant: string;
  authToken: string;
}

/** The gateway's Twilio adapter on a free loopback port, signed for `publicUrl`, for these accounts. */
export function twilioAdapterEnv(publicUrl: string, accounts: TwilioAccount[]): Record<string, string> {
  return {
    TWILIO_HOST: '127.0.0.1',
    TWILIO_PORT: '0',
    TWILIO_PUBLIC_URL: publicUrl,
    TWILIO_ACCOUNTS: accounts.map((a) => `${a.sid}=${a.tenant}:${a.authToken}`).join(','),
  };
}

export interface TwilioCall {
  accountSid: string;
  callSid: string;
  streamSid: string;
  customParameters: Record<string, string>;
  mediaFormat?: { encoding: string; sampleRate: number; channels: number };
  tracks?: ('inbound' | 'outbound')[];
  /** µ-law per track, 8 kHz. */
  customer: Uint8Array;
  agent: Uint8Array;
  /** 20 ms slots of a track that are not sent (lost on the way). */
  drop?: { inbound?: Set<number>; outbound?: Set<number> };
  /** Slots before the first frame of a track (the party joined later). */
  firstSlot?: { inbound?: number; outbound?: number };
}

/** Every message of the call in Twilio's order; `stop` last. */
export function twilioMessages(call: TwilioCall): object[] {
  const tracks = call.tracks ?? ['inbound', 'outbound'];
  const audio = { inbound: call.customer, outbound: call.agent };
  const chunks = { inbound: 0, outbound: 0 };
  let sequence = 0;
  const out: object[] = [{ event: 'connected', protocol: 'Call', version: '1.0.0' }];
  out.push({
    event: 'start',
    sequenceNumber: String(++sequence),
    start: {
      accountSid: call.accountSid,
      streamSid: call.streamSid,
      callSid: call.callSid,
      tracks,
      customParameters: call.customParameters,
      mediaFormat: call.mediaFormat ?? { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: call.streamSid,
  });
  const slots = Math.ceil(Math.max(call.customer.length, call.agent.length) / FRAME_BYTES);
  for (let slot = 0; slot < slots; slot += 1) {
    for (const track of tracks) {
      const bytes = audio[track];
      if (slot * FRAME_BYTES >= bytes.length || slot < (call.firstSlot?.[track] ?? 0)) continue;
      if (call.drop?.[track]?.has(slot)) continue;
      const frame = Buffer.alloc(FRAME_BYTES, 0xff);
      frame.set(bytes.subarray(slot * FRAME_BYTES, (slot + 1) * FRAME_BYTES));
      out.push({
        event: 'media',
        sequenceNumber: String(++sequence),
        media: {
          track,
          chunk: String(++chunks[track]),
          timestamp: String(slot * 20),
          payload: frame.toString('base64'),
        },
        streamSid: call.streamSid,
      });
    }
  }
  out.push({
    event: 'stop',
    sequenceNumber: String(++sequence),
    stop: { accountSid: call.accountSid, callSid: call.callSid },
    streamSid: call.streamSid,
  });
  return out;
}

export interface TwilioConnection {
  ws: WebSocket;
  /** Sends in order, waiting for the socket to take each batch; `speed` > 0 paces media at that × real time. */
  send(messages: readonly object[], speed?: number): Promise<void>;
  /** The close code and reason the server sent. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a stream as Twilio would; `signature` null = no header, a string = that header. */
export async function connectTwilio(
  localUrl: string,
  publicUrl: string,
  authToken: string,
  signature?: string | null,
): Promise<TwilioConnection> {
  const path = localUrl.replace(/^wss?:\/\/[^/]+/, '');
  const header = signature === undefined ? twilioSignature(authToken, publicUrl + path) : signature;
  const ws = new WebSocket(localUrl, { headers: header === null ? {} : { 'X-Twilio-Signature': header } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    async send(messages, speed = 0) {
      const startedAt = performance.now();
      for (let i = 0; i < messages.length; i += 1) {
        if (ws.readyState !== WebSocket.OPEN) return;
        // Paced: each media message leaves at its timestamp / speed, as Twilio sends in real time.
        const at = Number((messages[i] as { media?: { timestamp?: string } }).media?.timestamp ?? 0);
        const wait = speed > 0 ? startedAt + at / speed - performance.now() : 0;
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const last = i % 100 === 99 || i === messages.length - 1;
        const text = JSON.stringify(messages[i]);
        if (last) await new Promise<void>((resolve) => ws.send(text, () => resolve()));
        else ws.send(text);
      }
    },
  };
}
