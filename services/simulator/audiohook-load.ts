// Genesys Cloud AudioHook load for bench:ingest (--protocol audiohook): N concurrent sessions into
// the gateway's AudioHook port, each upgrade signed as Genesys signs it (RFC 9421, its own nonce),
// then `open` -> `opened`, stereo PCMU frames (external = customer, internal = agent
// interleaved) every --frame-ms in real time with a `ping` every 5 s, then `close` -> `closed`.
// Payloads are built once (synthetic calls, 4 seeds) so the client's own CPU stays small. Prints
// ONE JSON line as the gRPC simulator does (ok, failed, frames_sent in gateway frames = channels
// × messages, cpu_seconds, max_frame_late_ms). I/O: WebSockets.
import { randomBytes, randomUUID } from 'node:crypto';
import { stereoPcmuFrame } from '../../devkit/audio/stereo-pcmu-frame.ts';
import { samplesDuration } from '../shared/audiohook/duration.ts';
import { signAudioHookRequest } from '../shared/audiohook/signature.ts';
import {
  benchCalls,
  loadOptions,
  openSocket,
  runLoad,
  sendSlotsInRealTime,
  type SlotStats,
} from './socket-load.ts';

const apiKey = process.env.AUDIOHOOK_API_KEY ?? '';
const frameMsOf = (extra: Record<string, string | undefined>): number => Number(extra['frame-ms'] ?? '20');
const options = loadOptions({
  usage:
    'usage: AUDIOHOOK_API_KEY=… AUDIOHOOK_CLIENT_SECRET=… audiohook-load --org <uuid> --calls N --seconds S --target ws://…',
  required: ['org'],
  optional: ['frame-ms'],
  secretEnv: 'AUDIOHOOK_CLIENT_SECRET',
  defaultTarget: 'ws://127.0.0.1:8081/audiohook',
  valid: (o) => apiKey !== '' && Buffer.from(o.secret, 'base64').byteLength > 0 && frameMsOf(o.extra) >= 10,
});
const org = options.extra.org as string;
const secret = Buffer.from(options.secret, 'base64');
const frameMs = frameMsOf(options.extra);
const samplesPerFrame = (frameMs * 8000) / 1000;
const frames = Math.floor((options.seconds * 1000) / frameMs);

/** Interleaved stereo frames per call seed. */
const audio = benchCalls(options.seconds).map((call) =>
  Array.from({ length: frames }, (_, f) => stereoPcmuFrame(call.customer, call.agent, samplesPerFrame, f)),
);

const { host, pathname, search } = new URL(options.target);

function signedHeaders(sessionId: string): Record<string, string> {
  const headers: Record<string, string> = {
    host,
    'audiohook-organization-id': org,
    'audiohook-session-id': sessionId,
    'audiohook-correlation-id': randomUUID(),
    'x-api-key': apiKey,
  };
  const createdS = Math.floor(Date.now() / 1000);
  const signed = signAudioHookRequest(
    { target: pathname + search, headers },
    { apiKey, key: secret, nonce: randomBytes(16).toString('base64url'), createdS, expiresS: createdS + 60 },
  );
  const { host: _host, ...rest } = headers;
  return { ...rest, ...signed };
}

async function streamOne(index: number, stats: SlotStats): Promise<boolean> {
  const sessionId = randomUUID();
  const socket = await openSocket(options.target, {
    headers: signedHeaders(sessionId),
    perMessageDeflate: false,
  });
  if (!socket) return false;
  const { ws } = socket;
  let serverseq = 0;
  const waiting = new Map<string, () => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(data.toString()) as { type: string; seq: number };
    serverseq = message.seq;
    waiting.get(message.type)?.();
  });
  const closed = socket.closed.then(() => false);
  const next = (type: string): Promise<boolean> =>
    Promise.race([new Promise<boolean>((resolve) => waiting.set(type, () => resolve(true))), closed]);
  let seq = 0;
  let position = 0;
  const send = (type: string, parameters: object = {}): void =>
    ws.send(
      JSON.stringify({
        version: '2',
        id: sessionId,
        type,
        seq: ++seq,
        serverseq,
        position: samplesDuration(position),
        parameters,
      }),
    );
  send('open', {
    organizationId: org,
    conversationId: randomUUID(),
    participant: {
      id: randomUUID(),
      ani: `+1555${String(index).padStart(7, '0')}`,
      aniName: '',
      dnis: '+15550000000',
    },
    media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
    customConfig: { agentId: `agent-${index}` },
  });
  if (!(await next('opened'))) return false;
  const payloads = audio[index % audio.length];
  await sendSlotsInRealTime(
    ws,
    frames,
    (f) => {
      if (f > 0 && (f * frameMs) % 5000 === 0) send('ping');
      ws.send(payloads[f]);
      position += samplesPerFrame;
      stats.framesSent += 2;
    },
    stats,
    frameMs,
  );
  send('close', { reason: 'end' });
  const ok = await next('closed');
  ws.close();
  return ok;
}

await runLoad(options, streamOne);
