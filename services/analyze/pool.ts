// A small worker_threads pool for the `analyze` command: N workers take files one at a time; a
// worker that crashes reports its file as failed (WORKER_FAILED) and is replaced, so one bad file
// never stops the others. Starts threads; no file I/O of its own.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { WORKER_RESOURCE_LIMITS } from './limits.ts';
import type { ChannelMap } from './args.ts';
import type { FileResult } from './types.ts';

/** What every worker gets at start (see worker.ts). */
export interface WorkerInit {
  channels: ChannelMap | undefined;
  modelJson: unknown;
}

/** One file for a worker; it answers { index, result: FileResult }. */
export interface WorkerTask {
  index: number;
  file: string;
  /** The recording's call id in event ids (files.ts, callIdsOf). */
  callId: string;
}

export interface PoolOptions {
  files: readonly string[];
  /** Each file's call id, in the order of `files`. */
  callIds: readonly string[];
  jobs: number;
  workerData: WorkerInit;
  /** Called once per file, in completion order. */
  onResult(index: number, result: FileResult): void;
  /** Worker entry; default ./worker.ts. */
  workerUrl?: URL;
  /** Heap bounds of each worker (default WORKER_RESOURCE_LIMITS): over them, that file fails alone. */
  resourceLimits?: ResourceLimits;
}

export function runPool(options: PoolOptions): Promise<void> {
  const { files, onResult } = options;
  const workerUrl = options.workerUrl ?? new URL('./worker.ts', import.meta.url);
  const jobs = Math.max(1, Math.min(options.jobs, files.length));
  let next = 0;
  let remaining = files.length;
  return new Promise<void>((resolve) => {
    if (remaining === 0) return resolve();
    const finish = (index: number, result: FileResult) => {
      onResult(index, result);
      if (--remaining === 0) resolve();
    };
    const start = () => {
      const worker = new Worker(workerUrl, {
        workerData: options.workerData,
        resourceLimits: options.resourceLimits ?? WORKER_RESOURCE_LIMITS,
      });
      let current: WorkerTask | undefined;
      let dead = false;
      const feed = () => {
        if (next < files.length) {
          current = { index: next, file: files[next], callId: options.callIds[next] };
          next++;
          worker.postMessage(current);
        } else {
          current = undefined;
          void worker.terminate();
        }
      };
      const fail = (message: string) => {
        if (dead) return;
        dead = true;
        const task = current;
        current = undefined;
        void worker.terminate();
        if (task) {
          finish(task.index, { file: task.file, ok: false, error: { code: 'WORKER_FAILED', message } });
          if (next < files.length) start();
        } else if (next < files.length) {
          start();
        }
      };
      worker.on('message', (msg: { index: number; result: FileResult }) => {
        current = undefined;
        finish(msg.index, msg.result);
        feed();
      });
      worker.on('error', (err) => fail(`worker crashed: ${err.message}`));
      worker.on('exit', (code) => {
        if (current) fail(`worker exited with code ${code}`);
      });
      feed();
    };
    for (let i = 0; i < jobs; i++) start();
  });
}
