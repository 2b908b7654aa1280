// What the WebSocket load clients of bench:ingest share (twilio-load.ts, l16ws-load.ts,
// audiohook-load.ts): their command line, the synthetic calls they stream, N calls started
// `--stagger-ms` apart, each sending one slot (20 ms by default) at a time in real time, and ONE
// JSON line as the gRPC simulator prints it (ok, failed, frames_sent, cpu_seconds,
// max_frame_late_ms). I/O: timers, stdout.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { encodeCallAudio, syntheticCallAudio, type EncodedCallAudio } from '../../devkit/audio/call-audio.ts';

export const SLOT_MS = 20;

/** A few distinct synthetic calls as 8 kHz µ-law, encoded once so the client's own CPU stays small. */
export function benchCalls(seconds: number): EncodedCallAudio[] {
  return [1, 2, 3, 4].map((seed) => encodeCallAudio(syntheticCallAudio(seconds, seed), 'pcmu', 8000));
}

export interface LoadOptions {
  calls: number;
  seconds: number;
  staggerMs: number;
  target: string;
  /** Protocol-specific options (`--account`, …), as given. */
  extra: Record<string, string | undefined>;
  /** The credential read from the environment (never on the command line). */
  secret: string;
}

export interface LoadSpec {
  usage: string;
  /** Protocol options that must be given, and those that may. */
  required: string[];
  optional?: string[];
  /** The environment variable holding the credential. */
  secretEnv: string;
  defaultTarget: string;
  /** The protocol's own checks of the parsed options (e.g. a frame length). */
  valid?: (options: LoadOptions) => boolean;
}

/** Parses the common options and the protocol's; exits 2 with the usage when they are invalid. */
export function loadOptions(spec: LoadSpec): LoadOptions {
  const extraNames = [...spec.required, ...(spec.optional ?? [])];
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '20' },
      target: { type: 'string', default: spec.defaultTarget },
      'stagger-ms': { type: 'string', default: '20' },
      ...Object.fromEntries(extraNames.map((name) => [name, { type: 'string' as const }])),
    },
  });
  const given = values as Record<string, string | undefined>;
  const options = {
    calls: Number(values.calls),
    seconds: Number(values.seconds),
    staggerMs: Number(values['stagger-ms']),
    target: values.target as string,
    extra: Object.fromEntries(extraNames.map((name) => [name, given[name]])),
    secret: process.env[spec.secretEnv] ?? '',
  };
  const valid = options.calls >= 1 && options.seconds >= 1 && options.staggerMs >= 0;
  if (
    !valid ||
    !options.secret ||
    spec.required.some((name) => !given[name]) ||
    (spec.valid && !spec.valid(options))
  ) {
    process.stderr.write(`${spec.usage}\n`);
    process.exit(2);
  }
  return options;
}

export interface SlotStats {
  framesSent: number;
  maxLateMs: number;
}

/** Opens a socket; null when the upgrade fails. `closed` resolves with the server's close code. */
export async function openSocket(
  target: string,
  options: WebSocket.ClientOptions,
  protocols: string[] = [],
): Promise<{ ws: WebSocket; closed: Promise<number> } | null> {
  const ws = new WebSocket(target, protocols, options);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  return opened ? { ws, closed } : null;
}

/** Calls `sendSlot(k)` for k = 0 … slots-1 at k × slotMs after the first, while the socket is open. */
export async function sendSlotsInRealTime(
  ws: WebSocket,
  slots: number,
  sendSlot: (slot: number) => void,
  stats: SlotStats,
  slotMs = SLOT_MS,
): Promise<void> {
  const startedAt = performance.now();
  for (let slot = 0; slot < slots && ws.readyState === WebSocket.OPEN; slot += 1) {
    const wait = startedAt + slot * slotMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else stats.maxLateMs = Math.max(stats.maxLateMs, -wait);
    sendSlot(slot);
  }
}

/** What one call sends on its socket: a preamble, one slot at a time, a last word. */
export interface SlotCall {
  start(ws: WebSocket): void;
  sendSlot(ws: WebSocket, slot: number): void;
  end(ws: WebSocket): void;
}

/**
 * One call on its own socket: `start` once upgraded, `slots` slots in real time, `end`; true when
 * the socket then closes normally (1000). False when the upgrade fails.
 */
export async function streamSlotCall(
  target: string,
  connect: { options: WebSocket.ClientOptions; protocols?: string[] },
  slots: number,
  stats: SlotStats,
  call: SlotCall,
): Promise<boolean> {
  const socket = await openSocket(target, connect.options, connect.protocols);
  if (!socket) return false;
  const { ws, closed } = socket;
  call.start(ws);
  await sendSlotsInRealTime(ws, slots, (slot) => call.sendSlot(ws, slot), stats);
  call.end(ws);
  return (await closed) === 1000;
}

/** Runs `streamOne(i, stats)` for every call, `staggerMs` apart, then prints the summary line. */
export async function runLoad(
  options: LoadOptions,
  streamOne: (index: number, stats: SlotStats) => Promise<boolean>,
): Promise<void> {
  const stats: SlotStats = { framesSent: 0, maxLateMs: 0 };
  const cpuStart = process.cpuUsage();
  const results = await Promise.all(
    Array.from({ length: options.calls }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * options.staggerMs));
      return streamOne(i, stats);
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(
    `${JSON.stringify({
      ok: results.filter(Boolean).length,
      failed: results.filter((r) => !r).length,
      frames_sent: stats.framesSent,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      max_frame_late_ms: Math.round(stats.maxLateMs),
    })}\n`,
  );
}
