// Loads the alert rule file and reloads it on change (fs.watch on its folder, debounced) or on
// request (SIGHUP in main.ts). An invalid new file is rejected and the rules in force stay.
// I/O: reads and watches the file.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRuleSetText, type RuleSet } from '../../../pipelines/alerts/index.ts';
import { ConfigError } from '../config.ts';
import { watchFolder } from './folder-watch.ts';

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
  /** The rules read at start, before the watch began (the service boots in between). */
  initial?: RuleSet,
): RulesWatcher {
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
  const watcher = watchFolder(
    dirname(path),
    () =>
      void readFile(path, 'utf8')
        .then(
          (text) => (text === last ? undefined : reload()),
          (error: Error) => {
            last = null;
            throw error;
          },
        )
        .catch((error: Error) => onError(error)),
    onError,
    debounceMs,
  );
  // The file was read at start, before the service booted (Kafka may take minutes): a change made
  // meanwhile raised no event this watch could see, and ran unnoticed with the flag at 1 (review).
  // Judged now, unless it still holds the rules read then.
  void readFile(path, 'utf8').then(
    (text) => {
      if (initial === undefined || holdsRules(text, initial)) last = text;
      else reload().catch((error: Error) => onError(error));
    },
    () => undefined,
  );
  return {
    reload,
    close: () => watcher.close(),
  };
}

/** Whether `text` parses to `rules` (a text that does not parse holds none). */
function holdsRules(text: string, rules: RuleSet): boolean {
  try {
    return JSON.stringify(parseRuleSetText(text)) === JSON.stringify(rules);
  } catch {
    return false;
  }
}
