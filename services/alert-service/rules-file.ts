// Loads the alert rule file and reloads it on change (fs.watch on its folder, debounced) or on
// request (SIGHUP in main.ts). An invalid new file is rejected and the rules in force stay.
// I/O: reads and watches the file.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRuleSetText, type RuleSet } from '../../pipelines/alerts/index.ts';
import { ConfigError } from '../shared/config.ts';

/** The rules at start: a file that cannot be read is a CONFIG_INVALID naming it (exit 2), as the routing service's. */
export async function loadRulesFile(path: string): Promise<RuleSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `ALERT_RULES_FILE: cannot read file "${path}" (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
  return parseRuleSetText(text);
}

/** Longest a change waits for the folder to go quiet before it is read. */
export const MAX_DEBOUNCE_MS = 1000;

export interface RulesWatcher {
  /** Re-reads the file now; resolves with the new set or rejects with the validation error. */
  reload(): Promise<RuleSet>;
  close(): void;
}

export function watchRulesFile(
  path: string,
  onRules: (rules: RuleSet, text: string) => void,
  onError: (error: Error) => void,
  debounceMs = 200,
): RulesWatcher {
  let timer: NodeJS.Timeout | null = null;
  let pendingSince: number | null = null;
  /**
   * The content last judged, accepted or rejected: a rejected file put back as it was before is
   * judged again (accepted, it says so; compared with the accepted text only, nothing confirmed
   * the fix and the file read as rejected).
   */
  let last: string | null = '';
  async function reload(): Promise<RuleSet> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // Gone or unreadable: the file put back as it was is judged again (the flag stayed 0).
      last = null;
      throw error;
    }
    last = text;
    const rules = parseRuleSetText(text);
    onRules(rules, text);
    return rules;
  }
  let watcher: FSWatcher | null = null;
  try {
    // Watch the folder, and any name in it: editors replace the file rather than write it in
    // place, and a mounted ConfigMap changes only its `..data` link (the file itself is a link
    // to `..data/alert-rules.yaml`, and no event names it). The content is compared below.
    watcher = watch(dirname(path), () => {
      // Debounced, but never put off for longer than MAX_DEBOUNCE_MS: another file of the folder
      // written every 100 ms held a rule change back until those writes stopped (admin probe).
      const at = Date.now();
      if (timer && pendingSince !== null && at - pendingSince >= MAX_DEBOUNCE_MS) return;
      if (timer) clearTimeout(timer);
      pendingSince ??= at;
      timer = setTimeout(() => {
        timer = null;
        pendingSince = null;
        readFile(path, 'utf8')
          .then(
            (text) => (text === last ? undefined : reload()),
            (error: Error) => {
              last = null;
              throw error;
            },
          )
          .catch((error: Error) => onError(error));
      }, debounceMs);
    });
  } catch (error) {
    onError(error as Error);
  }
  void readFile(path, 'utf8').then(
    (text) => (last = text),
    () => undefined,
  );
  return {
    reload,
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
