// Runs N simulated calls against an ingest gateway at once (optionally staggered) and summarises
// how they ended. Used by `npm run simulate`, the demo and the benchmark. I/O: gRPC, WAV reads.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WireCodec } from '../shared/records.ts';
import {
  encodeCallAudio,
  loadCallAudio,
  syntheticCallAudio,
  type EncodedCallAudio,
} from '../../devkit/audio/call-audio.ts';
import { createIngestClient } from './ingest-client.ts';
import {
  streamCall,
  type StreamCallOptions,
  type StreamCallResult,
} from '../../devkit/stream/stream-call.ts';

export interface SimulationOptions {
  calls: number;
  /** WAV file or folder; synthetic calls when absent. */
  audioPath?: string;
  /** Length of synthetic calls. */
  seconds: number;
  speed: number;
  target: string;
  token: string;
  codec: WireCodec;
  sampleRateHz: 8000 | 16000;
  staggerMs: number;
  /** One interleaved stereo frame per 20 ms (default) or one frame per channel. */
  interleaved?: boolean;
  seed: number;
  analytics: boolean;
  tls?: boolean;
  caFile?: string;
  callIdPrefix?: string;
  /**
   * CallStart metadata for every call (a tenant's own agent, team, queue, customer reference, to
   * try its team scoping and customer history); unset: agents 1-50 of the demo users' teams.
   */
  agentId?: string;
  team?: string;
  queue?: string;
  customerRef?: string;
  signal?: AbortSignal;
  onFramesSent?: (callId: string, audioMs: number, wallMs: number) => void;
  onCallDone?: (result: StreamCallResult) => void;
  log?: (line: string) => void;
}

export interface SimulationSummary {
  calls: number;
  ok: number;
  failed: number;
  /** gRPC status name -> calls that ended with it. */
  statuses: Record<string, number>;
  frames_sent: number;
  audio_seconds: number;
  wall_seconds: number;
  max_frame_late_ms: number;
  /** CPU time of this process during the run (user + system). */
  cpu_seconds: number;
  call_ids: string[];
}

/** Distinct audio per call: sources cycle; synthetic calls use up to 4 seeds (synthesis costs CPU). */
export function prepareAudio(
  options: Pick<SimulationOptions, 'calls' | 'audioPath' | 'seconds' | 'seed' | 'codec' | 'sampleRateHz'>,
): EncodedCallAudio[] {
  const sources = options.audioPath
    ? loadCallAudio(options.audioPath)
    : Array.from({ length: Math.min(options.calls, 4) }, (_, i) =>
        syntheticCallAudio(options.seconds, options.seed + i),
      );
  return sources.map((source) => encodeCallAudio(source, options.codec, options.sampleRateHz));
}

const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export async function runSimulation(
  options: SimulationOptions,
  audio: EncodedCallAudio[] = prepareAudio(options),
): Promise<SimulationSummary> {
  const log = options.log ?? (() => undefined);
  const client = createIngestClient(options.target, {
    tls: options.tls,
    rootCert: options.caFile ? readFileSync(options.caFile) : undefined,
  });
  const prefix = options.callIdPrefix ?? `sim-${randomUUID().slice(0, 8)}`;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const results: StreamCallResult[] = [];
  const seconds = audio.map((a) => a.durationMs / 1000);
  const [shortest, longest] = [Math.min(...seconds), Math.max(...seconds)];
  // The calls differ in length (the demo's: 70-100 s): the first one's said "82.0 s" of them all.
  const lengths =
    shortest === longest ? `${shortest.toFixed(1)} s` : `${shortest.toFixed(1)}–${longest.toFixed(1)} s`;
  log(
    `streaming ${options.calls} call(s) of ${lengths} to ${options.target} at speed ${options.speed || 'max'}`,
  );
  try {
    await Promise.all(
      Array.from({ length: options.calls }, async (_, i) => {
        if (options.staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, i * options.staggerMs));
        const callId = `${prefix}-${i}`;
        const streamOptions: StreamCallOptions = {
          client,
          token: options.token,
          callId,
          audio: audio[i % audio.length],
          speed: options.speed,
          interleaved: options.interleaved ?? true,
          signal: options.signal,
          metadata: {
            agentId: options.agentId ?? `agent-${(i % 50) + 1}`,
            // Agents 1-2, 5-6, … in billing, 3-4, 7-8, … in support: the demo users' teams
            // (config/demo-users.json), so team-scoped supervisors see their calls live and in QA.
            team: options.team ?? ((i % 50) % 4 < 2 ? 'billing' : 'support'),
            ...(options.queue === undefined ? {} : { queue: options.queue }),
            ...(options.customerRef === undefined ? {} : { customerRef: options.customerRef }),
            consent: { analytics: options.analytics, storeFeatures: options.analytics },
          },
          onFramesSent:
            options.onFramesSent && ((audioMs, wallMs) => options.onFramesSent?.(callId, audioMs, wallMs)),
        };
        const result = await streamCall(streamOptions);
        results.push(result);
        options.onCallDone?.(result);
        if (result.code !== 0)
          log(`call ${callId} ended with ${STATUS_NAMES[result.code] ?? result.code}: ${result.details}`);
      }),
    );
  } finally {
    client.close();
  }
  const statuses: Record<string, number> = {};
  for (const result of results) {
    const name = STATUS_NAMES[result.code] ?? String(result.code);
    statuses[name] = (statuses[name] ?? 0) + 1;
  }
  const ok = statuses.OK ?? 0;
  return {
    calls: options.calls,
    ok,
    failed: results.length - ok,
    statuses,
    frames_sent: results.reduce((sum, r) => sum + r.framesSent, 0),
    audio_seconds: Math.round(
      results.reduce((sum, r, i) => sum + audio[i % audio.length].durationMs, 0) / 1000,
    ),
    wall_seconds: Math.round((performance.now() - started) / 100) / 10,
    max_frame_late_ms: Math.round(Math.max(0, ...results.map((r) => r.maxLateMs))),
    cpu_seconds: (() => {
      const cpu = process.cpuUsage(cpuStart);
      return Math.round((cpu.user + cpu.system) / 1e4) / 100;
    })(),
    call_ids: results.map((r) => r.callId).sort(),
  };
}
