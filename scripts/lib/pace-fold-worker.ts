// Worker thread of pace-folds.ts: builds the pace rows from EmoDB, fits the leave-one-group-out
// folds it was dealt and posts each fold's scores. Reads EmoDB (file I/O).

import { parentPort, workerData } from 'node:worker_threads';
import { listEmodb } from '../../devkit/audio/emodb.ts';
import { leaveOneGroupOutPace, paceRows } from './pace-data.ts';
import type { FoldReply, FoldTask } from './pace-folds.ts';

const tasks = workerData as FoldTask[];
const port = parentPort;
if (!port) throw new Error('pace-fold-worker.ts runs as a worker thread');
const rows = paceRows(listEmodb());
for (const task of tasks) {
  const fold = leaveOneGroupOutPace(
    rows,
    (r) => r[task.by],
    (log) => port.postMessage({ log: `${task.by} ${log}` }),
    (g) => g === task.group,
  );
  const held = rows.map((r, i) => ({ r, i })).filter(({ r }) => r[task.by] === task.group);
  const reply: FoldReply = {
    by: task.by,
    ids: held.map(({ r }) => r.id),
    estimate: held.map(({ i }) => fold.estimate[i]),
    density: held.map(({ i }) => fold.density[i]),
    fallbacks: fold.fallbacks,
  };
  port.postMessage({ reply });
}
