// One retention purge at a time in this process: the timer fires every RETENTION_INTERVAL_MS
// whether or not the last purge finished (a first orphan pass over a big store, a tenant whose
// retention went from 365 to 90 days), and purges started on top of it only competed for the same
// rows. A tick while one runs is skipped and said once. No I/O of its own (the purge is passed in).
import type { Logger } from '../shared/logger.ts';
import type { PurgeResult } from './store/retention.ts';

export interface PurgeSchedule {
  /** Runs a purge, or skips it (resolves 'skipped') while the previous one still runs. */
  tick(): Promise<'done' | 'failed' | 'skipped'>;
}

export function createPurgeSchedule(
  purge: () => Promise<PurgeResult>,
  logger: Pick<Logger, 'debug' | 'info' | 'error'>,
): PurgeSchedule {
  let current: Promise<'done' | 'failed'> | undefined;
  let skipsOfCurrent = 0;
  const run = async (): Promise<'done' | 'failed'> => {
    const startedAt = Date.now();
    try {
      const purged = await purge();
      if (Object.keys(purged.calls).length + Object.keys(purged.orphanRows).length > 0)
        logger.info('retention purge', { ...purged, seconds: (Date.now() - startedAt) / 1000 });
      return 'done';
    } catch (error) {
      logger.error('retention purge failed', { error });
      return 'failed';
    }
  };
  return {
    async tick() {
      if (current) {
        // Info once per long purge, debug after: an hourly line for a purge of many hours is noise.
        const log = skipsOfCurrent === 0 ? logger.info : logger.debug;
        skipsOfCurrent++;
        log('retention purge still running: this one skipped', { skipped: skipsOfCurrent });
        return 'skipped';
      }
      current = run();
      try {
        return await current;
      } finally {
        current = undefined;
        skipsOfCurrent = 0;
      }
    },
  };
}
