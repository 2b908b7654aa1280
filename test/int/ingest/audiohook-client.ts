// An AudioHook client for the tests, playing a call as Genesys Cloud does (AudioHook protocol
// specification; the reference client purecloudlabs/audiohook-reference-implementation
// client/src): the upgrade carries the organisation, session and correlation ids, X-API-Key and an
// RFC 9421 signature made with the client secret; then `open` (offering stereo PCMU
// external+internal, then each mono, as the reference client offers), audio in binary frames of
// `frameMs` (the reference client's 200 ms) once `opened` came, `ping` every 5 s of stream (its
// DEFAULT_PING_INTERVAL), `paused`/`resumed`, `discarded`, and `close` -> `closed`. Every client
// message carries seq, serverseq and position as the protocol defines them. I/O: a WebSocket.
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { stereoPcmuFrame } from '../../../devkit/audio/stereo-pcmu-frame.ts';
import { samplesDuration } from '../../../services/shared/audiohook/duration.ts';
import { signAudioHookRequest } from '../../../services/shared/audiohook/signature.ts';

export const RATE = 8000;

export interface AudioHookOrgAuth {
  orgId: string;
  apiKey: string;
  /** The client secret, base64 (as configured on both sides). */
  clientSecret: string;
}

/** A Genesys organisation with credentials of its own. */
export const newAudioHookOrg = (): AudioHookOrgAuth => ({
  orgId: randomUUID(),
  apiKey: `api-${randomBytes(16).toString('hex')}`,
  clientSecret: randomBytes(32).toString('base64'),
});

/**
 * The gateway's AudioHook adapter on loopback (`port` 0: a free one) for these organisations of
 * `tenant`, each consenting to analytics and stored features.
 */
export function audioHookAdapterEnv(
  tenant: string,
  orgs: AudioHookOrgAuth[],
  port = 0,
): Record<string, string> {
  const entries = orgs.map((org) => [
    org.orgId,
    {
      tenant,
      apiKey: org.apiKey,
      clientSecret: org.clientSecret,
      consent: { analytics: true, storeFeatures: true },
    },
  ]);
  return {
    AUDIOHOOK_HOST: '127.0.0.1',
    AUDIOHOOK_PORT: String(port),
    AUDIOHOOK_ORGS: JSON.stringify(Object.fromEntries(entries)),
  };
}

export interface ConnectOptions {
  sessionId?: string;
  /** Override signature parameters (stale `created`, a reused nonce) or headers. */
  nonce?: string;
  createdS?: number;
  headers?: Record<string, string | null>;
}

export interface ServerMessageIn {
  version: string;
  id: string;
  type: string;
  seq: number;
  clientseq: number;
  parameters: Record<string, unknown>;
}

export interface AudioHookClient {
  ws: WebSocket;
  sessionId: string;
  /** Samples per channel sent (plus discarded), as the protocol's position counts them. */
  positionSamples: number;
  received: ServerMessageIn[];
  /** Sends a client message with the next seq, the last serverseq and the current position. */
  send(type: string, parameters?: Record<string, unknown>, over?: { seq?: number; position?: number }): void;
  sendAudio(frame: Uint8Array, channels: number): void;
  /** The next server message of this type (already received ones count). */
  next(type: string, timeoutMs?: number): Promise<ServerMessageIn>;
  /** Lets the socket drain what was sent. */
  flush(): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export async function connectAudioHook(
  url: string,
  auth: AudioHookOrgAuth,
  options: ConnectOptions = {},
): Promise<AudioHookClient> {
  const sessionId = options.sessionId ?? randomUUID();
  const { host, pathname, search } = new URL(url);
  const headers: Record<string, string> = {
    host,
    'audiohook-organization-id': auth.orgId,
    'audiohook-session-id': sessionId,
    'audiohook-correlation-id': randomUUID(),
    'x-api-key': auth.apiKey,
  };
  const createdS = options.createdS ?? Math.floor(Date.now() / 1000);
  Object.assign(
    headers,
    signAudioHookRequest(
      { target: pathname + search, headers },
      {
        apiKey: auth.apiKey,
        key: Buffer.from(auth.clientSecret, 'base64'),
        nonce: options.nonce ?? randomBytes(16).toString('base64url'),
        createdS,
        expiresS: createdS + 60,
      },
    ),
  );
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const { host: _host, ...sent } = headers;
  const ws = new WebSocket(url, { headers: sent, perMessageDeflate: false });
  const received: ServerMessageIn[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    received.push(JSON.parse(data.toString()) as ServerMessageIn);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
  let seq = 0;
  const taken = new Set<ServerMessageIn>();
  const client: AudioHookClient = {
    ws,
    sessionId,
    positionSamples: 0,
    received,
    closed,
    send(type, parameters = {}, over = {}) {
      seq = over.seq ?? seq + 1;
      ws.send(
        JSON.stringify({
          version: '2',
          id: sessionId,
          type,
          seq,
          serverseq: received.at(-1)?.seq ?? 0,
          position: samplesDuration(over.position ?? client.positionSamples),
          parameters,
        }),
      );
    },
    sendAudio(frame, channels) {
      ws.send(frame);
      client.positionSamples += frame.byteLength / channels;
    },
    async next(type, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((m) => m.type === type && !taken.has(m));
        if (found) {
          taken.add(found);
          return found;
        }
        if (ws.readyState === WebSocket.CLOSED || Date.now() > deadline)
          throw new Error(`no ${type}: got ${JSON.stringify(received.map((m) => [m.type, m.parameters]))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    async flush() {
      while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
  return client;
}

export interface PlayedCall {
  conversationId: string;
  participant?: { id: string; ani: string; aniName: string; dnis: string };
  customConfig?: Record<string, unknown>;
  /** µ-law per channel, 8 kHz. */
  customer: Uint8Array;
  agent: Uint8Array;
  frameMs?: number;
}

export interface PlayScript {
  /** Paced at this × real time (0 = as fast as the socket takes it). */
  speed?: number;
  /** The client pauses before frame `at` for `frames` frames of audio (not sent; position stays). */
  pause?: { at: number; frames: number };
  /** The client discards `frames` frames before frame `at` (not sent; position advances). */
  discard?: { at: number; frames: number };
  /** First and end frame to send (a reconnect plays the rest in a new session). */
  fromFrame?: number;
  toFrame?: number;
  /** Offers instead of the reference client's three. */
  media?: object[];
  continuedSessions?: { id: string; serverseq: number; clientseq: number }[];
  /** Skip `close` at the end (a session that dies or is continued elsewhere). */
  noClose?: boolean;
}

export const STEREO_OFFERS = [
  { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: RATE },
  { type: 'audio', format: 'PCMU', channels: ['external'], rate: RATE },
  { type: 'audio', format: 'PCMU', channels: ['internal'], rate: RATE },
];

/** Stereo frame k of the call (external = customer first, internal = agent), padded with µ-law silence. */
export function stereoFrame(call: PlayedCall, k: number): Buffer {
  return stereoPcmuFrame(call.customer, call.agent, ((call.frameMs ?? 200) * RATE) / 1000, k);
}

export function frameCount(call: PlayedCall): number {
  const n = ((call.frameMs ?? 200) * RATE) / 1000;
  return Math.ceil(Math.max(call.customer.length, call.agent.length) / n);
}

/** `open` → `opened`, the frames with pings, pause/discard as scripted, then `close` → `closed`. */
export async function playCall(
  client: AudioHookClient,
  orgId: string,
  call: PlayedCall,
  script: PlayScript = {},
) {
  const frameSamples = ((call.frameMs ?? 200) * RATE) / 1000;
  const from = script.fromFrame ?? 0;
  const to = Math.min(script.toFrame ?? Infinity, frameCount(call));
  client.send('open', {
    organizationId: orgId,
    conversationId: call.conversationId,
    participant: call.participant ?? {
      id: randomUUID(),
      ani: '+15551234567',
      aniName: 'A Caller',
      dnis: '+15557654321',
    },
    media: script.media ?? STEREO_OFFERS,
    language: 'en-US',
    ...(call.customConfig ? { customConfig: call.customConfig } : {}),
    ...(script.continuedSessions ? { continuedSessions: script.continuedSessions } : {}),
  });
  const opened = await client.next('opened');
  const speed = script.speed ?? 0;
  const startedAt = performance.now();
  let streamMs = 0; // wall-clock stream time of the client: audio sent + paused
  let nextPingMs = 1000;
  for (let k = from; k < to; k += 1) {
    if (script.discard?.at === k) {
      const start = client.positionSamples;
      client.positionSamples += script.discard.frames * frameSamples;
      streamMs += script.discard.frames * (call.frameMs ?? 200);
      client.send('discarded', {
        start: samplesDuration(start),
        discarded: samplesDuration(script.discard.frames * frameSamples),
      });
      k += script.discard.frames;
      if (k >= to) break;
    }
    if (script.pause?.at === k) {
      client.send('paused');
      const pausedMs = script.pause.frames * (call.frameMs ?? 200);
      streamMs += pausedMs;
      if (speed > 0) await new Promise((resolve) => setTimeout(resolve, pausedMs / speed));
      client.send('resumed', {
        start: samplesDuration(client.positionSamples),
        discarded: samplesDuration(script.pause.frames * frameSamples),
      });
      k += script.pause.frames;
      if (k >= to) break;
    }
    if (speed > 0) {
      const wait = startedAt + streamMs / speed - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (streamMs >= nextPingMs) {
      client.send('ping');
      nextPingMs += 5000;
    }
    client.sendAudio(stereoFrame(call, k), 2);
    streamMs += call.frameMs ?? 200;
    if (k % 50 === 49) await client.flush();
  }
  await client.flush();
  if (script.noClose) return { opened };
  client.send('close', { reason: 'end' });
  const closed = await client.next('closed', 60_000);
  return { opened, closed };
}
