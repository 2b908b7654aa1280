// Worker-thread entry of the `analyze` pool: analyses the files the main thread sends, one at a
// time, and posts each result back. Reads files (via analyzeFile); holds one parsed model.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile } from './analyze-file.ts';
import { toModel } from './model.ts';
import type { WorkerInit, WorkerTask } from './pool.ts';

const init = workerData as WorkerInit;
const model = toModel(init.modelJson);
parentPort?.on('message', (task: WorkerTask) => {
  parentPort?.postMessage({
    index: task.index,
    result: analyzeFile(task.file, task.callId, init.channels, model),
  });
});
