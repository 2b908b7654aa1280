// Watches a folder for any change, debounced: the alert rule file and the tenants' rule folder are
// re-read when the folder goes quiet. Any name counts: editors replace a file rather than write it
// in place, and a mounted ConfigMap changes only its `..data` link (each file is a link to
// `..data/<name>`, and no event names it); the callers compare what they read. I/O: fs.watch.
import { watch, type FSWatcher } from 'node:fs';

/** Longest a change waits for the folder to go quiet before it is read. */
export const MAX_DEBOUNCE_MS = 1000;

export interface FolderWatch {
  close(): void;
}

export function watchFolder(
  dir: string,
  onQuiet: () => void,
  onError: (error: Error) => void,
  debounceMs: number,
): FolderWatch {
  let timer: NodeJS.Timeout | null = null;
  let pendingSince: number | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, () => {
      // Debounced, but never put off for longer than MAX_DEBOUNCE_MS: another file of the folder
      // written every 100 ms held a rule change back until those writes stopped (admin probe).
      const at = Date.now();
      if (timer && pendingSince !== null && at - pendingSince >= MAX_DEBOUNCE_MS) return;
      if (timer) clearTimeout(timer);
      pendingSince ??= at;
      timer = setTimeout(() => {
        timer = null;
        pendingSince = null;
        onQuiet();
      }, debounceMs);
    });
    // A watched folder that goes away (a volume unmounted) reports here, not as a throw.
    watcher.on('error', onError);
  } catch (error) {
    onError(error as Error);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
