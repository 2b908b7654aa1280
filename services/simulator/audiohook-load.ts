// Genesys Cloud AudioHook load for bench:ingest (--protocol audiohook): N concurrent sessions into
// the gateway's AudioHook port, each upgrade signed as Genesys signs it (RFC 9421, its own nonce),
// then `open` -> `opened`, stereo PCMU frames (external = customer, internal = agent
// interleaved) every --frame-ms in real time with a `ping` every 5 s, then `close` -> `closed`.
// Payloads are built once (synthetic calls, 4 seeds) so the client's own CPU stays small. Prints
// ONE JSON line as the gRPC simulator does (ok, failed, frames_sent in gateway frames = channels
// × messages, cpu_seconds, max_frame_late_ms). I/O: WebSockets.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { samplesDuration } from '../shared/audiohook/duration.ts';
import { signAudioHookRequest } from '../shared/audiohook/signature.ts';
import { encodeCallAudio, syntheticCallAudio } from '../../devkit/audio/call-audio.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    target: { type: 'string', default: 'ws://127.0.0.1:8081/audiohook' },
    org: { type: 'string' },
    'frame-ms': { type: 'string', default: '20' },
    'stagger-ms': { type: 'string', default: '20' },
  },
});
const calls = Number(values.calls);
const seconds = Number(values.seconds);
const frameMs = Number(values['frame-ms']);
const staggerMs = Number(values['stagger-ms']);
const apiKey = process.env.AUDIOHOOK_API_KEY ?? '';
const secret = Buffer.from(process.env.AUDIOHOOK_CLIENT_SECRET ?? '', 'base64');
if (
  !values.org ||
  !apiKey ||
  secret.byteLength === 0 ||
  !(calls >= 1) ||
  !(seconds >= 1) ||
  !(frameMs >= 10)
) {
  process.stderr.write(
    'usage: AUDIOHOOK_API_KEY=… AUDIOHOOK_CLIENT_SECRET=… audiohook-load --org <uuid> --calls N --seconds S --target ws://…\n',
  );
  process.exit(2);
}
const org = values.org;
const samplesPerFrame = (frameMs * 8000) / 1000;
const frames = Math.floor((seconds * 1000) / frameMs);

/** Interleaved stereo frames per call seed. */
const audio = [1, 2, 3, 4].map((seed) => {
  const call = encodeCallAudio(syntheticCallAudio(seconds, seed), 'pcmu', 8000);
  return Array.from({ length: frames }, (_, f) => {
    const frame = Buffer.alloc(samplesPerFrame * 2, 0xff);
    for (let i = 0; i < samplesPerFrame; i += 1) {
      const at = f * samplesPerFrame + i;
      if (at < call.customer.length) frame[2 * i] = call.customer[at];
      if (at < call.agent.length) frame[2 * i + 1] = call.agent[at];
    }
    return frame;
  });
});

const { host, pathname, search } = new URL(values.target);
const cpuStart = process.cpuUsage();
let framesSent = 0;
let maxLateMs = 0;

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

async function streamOne(index: number): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, index * staggerMs));
  const sessionId = randomUUID();
  const ws = new WebSocket(values.target, { headers: signedHeaders(sessionId), perMessageDeflate: false });
  let serverseq = 0;
  const waiting = new Map<string, () => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(data.toString()) as { type: string; seq: number };
    serverseq = message.seq;
    waiting.get(message.type)?.();
  });
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  const next = (type: string): Promise<boolean> =>
    Promise.race([
      new Promise<boolean>((resolve) => waiting.set(type, () => resolve(true))),
      closed.then(() => false),
    ]);
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return false;
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
  const startedAt = performance.now();
  for (let f = 0; f < frames && ws.readyState === WebSocket.OPEN; f += 1) {
    const wait = startedAt + f * frameMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else maxLateMs = Math.max(maxLateMs, -wait);
    if (f > 0 && (f * frameMs) % 5000 === 0) send('ping');
    ws.send(payloads[f]);
    position += samplesPerFrame;
    framesSent += 2;
  }
  send('close', { reason: 'end' });
  const ok = await next('closed');
  ws.close();
  return ok;
}

const results = await Promise.all(Array.from({ length: calls }, (_, i) => streamOne(i)));
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({
    ok: results.filter(Boolean).length,
    failed: results.filter((r) => !r).length,
    frames_sent: framesSent,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    max_frame_late_ms: Math.round(maxLateMs),
  })}\n`,
);
