// Twilio Media Streams load for bench:ingest (--protocol twilio): N concurrent streams into the
// gateway's Twilio port, each signed like Twilio's upgrade and sent as Twilio sends a call: start,
// then per 20 ms one µ-law media message per track in real time, then stop. Payloads are encoded
// once (synthetic calls, 4 seeds) so the client's own CPU stays small. Prints ONE JSON line as the
// gRPC simulator does (ok, failed, frames_sent, cpu_seconds, max_frame_late_ms). I/O: WebSockets.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { twilioSignature } from '../ingest-gateway/twilio-signature.ts';
import { encodeCallAudio, syntheticCallAudio } from './call-audio.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    target: { type: 'string', default: 'ws://127.0.0.1:8080/twilio' },
    'public-url': { type: 'string', default: 'wss://ingest.example.com' },
    account: { type: 'string' },
    'stagger-ms': { type: 'string', default: '20' },
  },
});
const calls = Number(values.calls);
const seconds = Number(values.seconds);
const staggerMs = Number(values['stagger-ms']);
const authToken = process.env.TWILIO_AUTH_TOKEN ?? '';
if (!values.account || !authToken || !(calls >= 1) || !(seconds >= 1)) {
  process.stderr.write(
    'usage: TWILIO_AUTH_TOKEN=… twilio-load --account AC… --calls N --seconds S --target ws://…\n',
  );
  process.exit(2);
}
const account = values.account;
const FRAME = 160;
const slots = Math.floor((seconds * 1000) / 20);

/** Base64 payloads per slot, per track, for a few distinct calls. */
const audio = [1, 2, 3, 4].map((seed) => {
  const call = encodeCallAudio(syntheticCallAudio(seconds, seed), 'pcmu', 8000);
  const frames = (bytes: Uint8Array): string[] =>
    Array.from({ length: slots }, (_, s) => {
      const frame = Buffer.alloc(FRAME, 0xff);
      frame.set(bytes.subarray(s * FRAME, (s + 1) * FRAME));
      return frame.toString('base64');
    });
  return { inbound: frames(call.customer), outbound: frames(call.agent) };
});

const sid = (prefix: string): string => prefix + randomBytes(16).toString('hex');
const path = values.target.replace(/^wss?:\/\/[^/]+/, '') || '/';
const signature = twilioSignature(authToken, values['public-url'] + path);
const cpuStart = process.cpuUsage();
let framesSent = 0;
let maxLateMs = 0;

async function streamOne(index: number): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, index * staggerMs));
  const ws = new WebSocket(values.target, { headers: { 'X-Twilio-Signature': signature } });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return false;
  const { inbound, outbound } = audio[index % audio.length];
  const streamSid = sid('MZ');
  const callSid = sid('CA');
  let sequence = 0;
  const send = (message: object): void => ws.send(JSON.stringify(message));
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start',
    sequenceNumber: String(++sequence),
    start: {
      accountSid: account,
      streamSid,
      callSid,
      tracks: ['inbound', 'outbound'],
      customParameters: { agentId: `agent-${index}`, consentAnalytics: 'true' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid,
  });
  const startedAt = performance.now();
  for (let slot = 0; slot < slots && ws.readyState === WebSocket.OPEN; slot += 1) {
    const due = startedAt + slot * 20;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else maxLateMs = Math.max(maxLateMs, -wait);
    for (const [track, payloads] of [
      ['inbound', inbound],
      ['outbound', outbound],
    ] as const) {
      send({
        event: 'media',
        sequenceNumber: String(++sequence),
        media: { track, chunk: String(slot + 1), timestamp: String(slot * 20), payload: payloads[slot] },
        streamSid,
      });
      framesSent += 1;
    }
  }
  send({
    event: 'stop',
    sequenceNumber: String(++sequence),
    stop: { accountSid: account, callSid },
    streamSid,
  });
  return (await closed) === 1000;
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
