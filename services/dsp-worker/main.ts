// Entry point of the dsp-worker container: validated config from the environment, then the
// service (worker.ts). Exits 2 with every config problem named. I/O: process.
import { ConfigError } from '../shared/config.ts';
import { loadDspWorkerConfig } from './config.ts';
import { startDspWorker } from './worker.ts';

try {
  await startDspWorker(loadDspWorkerConfig());
} catch (error) {
  const code = (error as { code?: string }).code ?? 'START_FAILED';
  const problems = error instanceof ConfigError ? error.problems : undefined;
  console.error(
    JSON.stringify({ level: 'error', service: 'dsp-worker', code, msg: (error as Error).message, problems }),
  );
  process.exit(error instanceof ConfigError ? 2 : 1);
}
