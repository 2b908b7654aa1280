// L16-over-WebSocket load for bench:ingest (--protocol l16ws): N concurrent sockets into the
// gateway's L16 port as jambonz `listen` opens them (subprotocol audio.jambonz.org, HTTP Basic
// auth on the upgrade), each sending its metadata frame, then one 20 ms stereo frame of 8 kHz
// 16-bit PCM (caller first) per 20 ms in real time, then a normal close (the hang-up). Frames are
// encoded once (synthetic calls, 4 seeds). Prints ONE JSON line (socket-load.ts); frames_sent
// counts per channel, as the gateway does. I/O: WebSockets.
import { randomBytes } from 'node:crypto';
import { decodeMuLaw, encodeLinear16 } from '../../pipelines/dsp/index.ts';
import { benchCalls, loadOptions, runLoad, streamSlotCall, SLOT_MS, type SlotStats } from './socket-load.ts';

const options = loadOptions({
  usage: 'usage: L16WS_SECRET=… l16ws-load --source ID --calls N --seconds S --target ws://…',
  required: ['source'],
  secretEnv: 'L16WS_SECRET',
  defaultTarget: 'ws://127.0.0.1:8081/calls',
});
const SAMPLES = 160; // 20 ms at 8 kHz
const slots = Math.floor((options.seconds * 1000) / SLOT_MS);
const authorization = `Basic ${Buffer.from(`${options.extra.source}:${options.secret}`).toString('base64')}`;

/** Interleaved stereo frames (customer, agent) per slot, for a few distinct calls. */
const audio = benchCalls(options.seconds).map((call) => {
  const customer = encodeLinear16(decodeMuLaw(call.customer));
  const agent = encodeLinear16(decodeMuLaw(call.agent));
  return Array.from({ length: slots }, (_, s) => {
    const frame = Buffer.alloc(SAMPLES * 4); // silence past the end of the audio
    for (let i = 0; i < SAMPLES; i += 1) {
      const at = 2 * (s * SAMPLES + i);
      if (at + 1 >= customer.length || at + 1 >= agent.length) break;
      frame.set(customer.subarray(at, at + 2), 4 * i);
      frame.set(agent.subarray(at, at + 2), 4 * i + 2);
    }
    return frame;
  });
});
const streamOne = (index: number, stats: SlotStats): Promise<boolean> => {
  const frames = audio[index % audio.length];
  return streamSlotCall(
    options.target,
    { options: { headers: { authorization } }, protocols: ['audio.jambonz.org'] },
    slots,
    stats,
    {
      start: (ws) =>
        ws.send(
          JSON.stringify({
            callSid: `bench-${randomBytes(8).toString('hex')}`,
            sampleRate: 8000,
            mixType: 'stereo',
            agentId: `agent-${index}`,
            consent: { analytics: true, storeFeatures: false },
          }),
        ),
      sendSlot: (ws, slot) => {
        ws.send(frames[slot], { binary: true });
        stats.framesSent += 2;
      },
      end: (ws) => ws.close(1000),
    },
  );
};

await runLoad(options, streamOne);
