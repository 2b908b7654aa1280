// Twilio Media Streams load for bench:ingest (--protocol twilio): N concurrent streams into the
// gateway's Twilio port, each signed like Twilio's upgrade and sent as Twilio sends a call: start,
// then per 20 ms one µ-law media message per track in real time, then stop. Payloads are encoded
// once (synthetic calls, 4 seeds) so the client's own CPU stays small. Prints ONE JSON line as the
// gRPC simulator does (socket-load.ts). I/O: WebSockets.
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { twilioSignature } from '../shared/twilio-signature.ts';
import { benchCalls, loadOptions, runLoad, streamSlotCall, SLOT_MS, type SlotStats } from './socket-load.ts';

const options = loadOptions({
  usage:
    'usage: TWILIO_AUTH_TOKEN=… twilio-load --account AC… --calls N --seconds S --target ws://… [--public-url wss://…]',
  required: ['account'],
  optional: ['public-url'],
  secretEnv: 'TWILIO_AUTH_TOKEN',
  defaultTarget: 'ws://127.0.0.1:8080/twilio',
});
const account = options.extra.account as string;
const FRAME = 160; // 20 ms of 8 kHz µ-law
const slots = Math.floor((options.seconds * 1000) / SLOT_MS);

/** Base64 payloads per slot, per track, for a few distinct calls. */
const audio = benchCalls(options.seconds).map((call) => {
  const frames = (bytes: Uint8Array): string[] =>
    Array.from({ length: slots }, (_, s) => {
      const frame = Buffer.alloc(FRAME, 0xff);
      frame.set(bytes.subarray(s * FRAME, (s + 1) * FRAME));
      return frame.toString('base64');
    });
  return { inbound: frames(call.customer), outbound: frames(call.agent) };
});

const sid = (prefix: string): string => prefix + randomBytes(16).toString('hex');
const path = options.target.replace(/^wss?:\/\/[^/]+/, '') || '/';
const signature = twilioSignature(
  options.secret,
  (options.extra['public-url'] ?? 'wss://ingest.example.com') + path,
);
const streamOne = (index: number, stats: SlotStats): Promise<boolean> => {
  const { inbound, outbound } = audio[index % audio.length];
  const streamSid = sid('MZ');
  const callSid = sid('CA');
  let sequence = 0;
  const send = (ws: WebSocket, message: object): void => ws.send(JSON.stringify(message));
  return streamSlotCall(
    options.target,
    { options: { headers: { 'X-Twilio-Signature': signature } } },
    slots,
    stats,
    {
      start: (ws) => {
        send(ws, { event: 'connected', protocol: 'Call', version: '1.0.0' });
        send(ws, {
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
      },
      sendSlot: (ws, slot) => {
        for (const [track, payloads] of [
          ['inbound', inbound],
          ['outbound', outbound],
        ] as const) {
          send(ws, {
            event: 'media',
            sequenceNumber: String(++sequence),
            media: {
              track,
              chunk: String(slot + 1),
              timestamp: String(slot * SLOT_MS),
              payload: payloads[slot],
            },
            streamSid,
          });
          stats.framesSent += 1;
        }
      },
      end: (ws) =>
        send(ws, {
          event: 'stop',
          sequenceNumber: String(++sequence),
          stop: { accountSid: account, callSid },
          streamSid,
        }),
    },
  );
};

await runLoad(options, streamOne);
