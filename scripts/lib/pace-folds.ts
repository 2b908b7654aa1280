// Runs the pace leave-one-group-out folds (pace-data.ts) on worker threads, one per core: each
// worker rebuilds the rows from EmoDB and fits the folds dealt to it; the results are merged in
// row order, identical to running every fold in one thread. Reads EmoDB in the workers (file I/O).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoldResult, PaceRow } from './pace-data.ts';

export type PaceGrouping = 'speaker' | 'text';

export interface FoldTask {
  by: PaceGrouping;
  group: string;
}

/** What a worker posts back: per-task row ids and their fold results. */
export interface FoldReply {
  by: PaceGrouping;
  ids: string[];
  estimate: number[];
  density: number[];
  fallbacks: number;
}

/** Leave-one-speaker-out and leave-one-sentence-out results for `rows`, folds spread over workers. */
export async function parallelPaceFolds(
  rows: PaceRow[],
  log: (msg: string) => void,
  workers = availableParallelism(),
): Promise<Record<PaceGrouping, FoldResult>> {
  const tasks: FoldTask[] = (['speaker', 'text'] as const).flatMap((by) =>
    [...new Set(rows.map((r) => r[by]))].map((group) => ({ by, group })),
  );
  const count = Math.max(1, Math.min(workers, tasks.length));
  const dealt = Array.from({ length: count }, (_, k) => tasks.filter((_, i) => i % count === k));
  const replies = await Promise.all(dealt.map((mine) => runWorker(mine, log)));
  const index = new Map(rows.map((r, i) => [r.id, i]));
  const empty = (): FoldResult => ({
    estimate: new Array<number>(rows.length).fill(NaN),
    density: new Array<number>(rows.length).fill(NaN),
    fallbacks: 0,
  });
  const out: Record<PaceGrouping, FoldResult> = { speaker: empty(), text: empty() };
  for (const reply of replies.flat()) {
    const into = out[reply.by];
    into.fallbacks += reply.fallbacks;
    reply.ids.forEach((id, k) => {
      const i = index.get(id);
      if (i === undefined) throw new Error(`pace worker returned an unknown row ${id}`);
      into.estimate[i] = reply.estimate[k];
      into.density[i] = reply.density[k];
    });
  }
  for (const by of ['speaker', 'text'] as const) {
    if (out[by].estimate.some((v) => Number.isNaN(v)))
      throw new Error(`pace folds by ${by} left rows unscored`);
  }
  return out;
}

function runWorker(tasks: FoldTask[], log: (msg: string) => void): Promise<FoldReply[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pace-fold-worker.ts', import.meta.url), { workerData: tasks });
    const replies: FoldReply[] = [];
    worker.on('message', (m: { log?: string; reply?: FoldReply }) => {
      if (m.log) log(m.log);
      if (m.reply) replies.push(m.reply);
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve(replies) : reject(new Error(`pace fold worker exited with ${code}`)),
    );
  });
}
