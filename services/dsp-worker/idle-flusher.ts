// The dsp-worker's idle sweep: produces the last windows of calls idle past the timeout
// (feature-processor.ts flushIdle, which frees them) and then lets the partition's commit move past
// their audio. Until a flush is produced its first needed offset holds the commit back; a flush
// whose produce fails is kept and sent again at the next sweep, because the call is already freed
// here and a commit past its audio would lose those windows for good. A revoked partition's
// unsent flushes are dropped: its next owner replays the calls from the held commit.
// I/O: through the given send and commit.
import type { OutRecord } from '../shared/producer.ts';
import type { IdleFlush } from './feature-processor.ts';

export interface IdleFlusherOptions {
  flushIdle(): IdleFlush[];
  send(outputs: OutRecord[]): Promise<void>;
  /** Commits the partition at what its calls and held flushes allow (the runner's recommit). */
  commit(partition: number): Promise<void>;
  onProduced?(flush: IdleFlush): void;
  onFailed?(flush: IdleFlush, error: unknown): void;
}

export interface IdleFlusher {
  sweep(): Promise<void>;
  /** The first offset of `partition` an idle flush not yet produced needs (Infinity when none). */
  heldBelow(partition: number): number;
  dropPartitions(partitions: readonly number[]): void;
}

export function createIdleFlusher(options: IdleFlusherOptions): IdleFlusher {
  /** Flushes taken and not yet produced (in flight or failed), oldest first. */
  let held: IdleFlush[] = [];
  let sweeping = false;
  return {
    async sweep() {
      if (sweeping) return;
      sweeping = true;
      try {
        const failed = held;
        held = [...failed, ...options.flushIdle()];
        for (const flush of [...held]) {
          try {
            await options.send(flush.outputs);
          } catch (error) {
            options.onFailed?.(flush, error);
            continue;
          }
          held = held.filter((h) => h !== flush);
          options.onProduced?.(flush);
          await options.commit(flush.partition);
        }
      } finally {
        sweeping = false;
      }
    },
    heldBelow(partition) {
      let below = Number.POSITIVE_INFINITY;
      for (const flush of held) {
        if (flush.partition === partition && flush.neededOffset !== null)
          below = Math.min(below, flush.neededOffset);
      }
      return below;
    },
    dropPartitions(partitions) {
      held = held.filter((flush) => !partitions.includes(flush.partition));
    },
  };
}
