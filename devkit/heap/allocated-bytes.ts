// Bytes a synchronous piece of code allocates on the JS heap, counted rather than timed, so the
// figure does not depend on how busy the machine is. Node 24's v8 has no running allocation counter,
// so it is rebuilt from what V8 reports: the heap's use after the run minus its use before, plus
// what every garbage collection in between freed (v8.GCProfiler gives each collection's use before
// and after). A minor collection on each side closes V8's linear allocation area, without which the
// reported use lags by up to a page. I/O: none (reads V8 statistics; enables `gc`).
//
// Counted: the spaces JavaScript objects live in (new, old and the two large-object spaces), not
// the JIT's code and bytecode. A typed array's backing store lives outside the heap; its
// JSTypedArray and JSArrayBuffer (about 200 bytes) are counted, so `new Float32Array(n)` shows.
import { GCProfiler, getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const OBJECT_SPACES = new Set(['new_space', 'old_space', 'new_large_object_space', 'large_object_space']);

/** Use of the object spaces in a GCProfiler record (camelCase names). */
function usedBytes(spaces: readonly { spaceName: string; spaceUsedSize: number }[]): number {
  let used = 0;
  for (const space of spaces) if (OBJECT_SPACES.has(space.spaceName)) used += space.spaceUsedSize;
  return used;
}

/** The same now (v8.getHeapSpaceStatistics names them in snake_case). */
function usedNow(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (OBJECT_SPACES.has(space.space_name)) used += space.space_used_size;
  }
  return used;
}

type Gc = (options: { type: 'minor' | 'major'; execution: 'sync' }) => void;

let gcFunction: Gc | undefined;

/** `gc` without `--expose-gc` on the command line (vitest workers): the flag, then a new context. */
function gc(): Gc {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as Gc;
  }
  return gcFunction;
}

function measure(run: () => void): number {
  const collect = gc();
  const profiler = new GCProfiler();
  collect({ type: 'minor', execution: 'sync' });
  profiler.start();
  const before = usedNow();
  run();
  collect({ type: 'minor', execution: 'sync' });
  const after = usedNow();
  let freed = 0;
  for (const { beforeGC, afterGC } of profiler.stop().statistics) {
    freed += usedBytes(beforeGC.heapSpaceStatistics) - usedBytes(afterGC.heapSpaceStatistics);
  }
  return after - before + freed;
}

/**
 * Bytes `run` allocated on the JS heap, garbage included, less what the counting itself costs (an
 * empty run's count, about 3 KB). `run` must be synchronous.
 */
export function allocatedBytes(run: () => void): number {
  const overhead = measure(() => {});
  return Math.max(0, measure(run) - overhead);
}
