// Entry point of the dsp-worker container: validated config from the environment, then the
// service (worker.ts). Exits 2 with every config problem named. I/O: process.
import { startOrExit } from '../shared/start-error.ts';
import { loadDspWorkerConfig } from './config.ts';
import { startDspWorker } from './worker.ts';

await startOrExit('dsp-worker', () => startDspWorker(loadDspWorkerConfig()));
