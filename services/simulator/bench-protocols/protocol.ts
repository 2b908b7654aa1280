// What bench:ingest needs of a protocol: the gateway environment that turns its adapter on (port,
// credentials) and a load client that streams N real-time calls through it and prints ONE JSON line
// (ok, failed, frames_sent, cpu_seconds, max_frame_late_ms). One module per protocol beside this
// one; bench-ingest.ts lists them. I/O: child processes.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export interface LoadRun {
  calls: number;
  seconds: number;
  staggerMs: number;
  /** The gateway's gRPC port and the bench tenant's token (`bench`). */
  grpcPort: number;
  token: string;
}

export type LoadClient = ChildProcessByStdio<null, Readable, null>;

export interface BenchProtocol {
  /** Added to the gateway's environment. */
  gatewayEnv: Record<string, string>;
  startClient(run: LoadRun): LoadClient;
}

/** Builds a protocol's set-up (free ports, random credentials) for one run. */
export type BenchProtocolFactory = () => Promise<BenchProtocol>;

const SIMULATOR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs services/simulator/<script> on this Node with the common load options. */
export function spawnLoadClient(
  script: string,
  run: LoadRun,
  args: string[],
  env: Record<string, string>,
): LoadClient {
  return spawn(
    process.execPath,
    [
      join(SIMULATOR, script),
      ...['--calls', String(run.calls), '--seconds', String(run.seconds)],
      ...['--stagger-ms', String(run.staggerMs)],
      ...args,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
}
