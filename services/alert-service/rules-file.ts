// Loads the alert rule file and reloads it on change (fs.watch on its folder, debounced) or on
// request (SIGHUP in main.ts). An invalid new file is rejected and the rules in force stay.
// I/O: reads and watches the file.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseRuleSetText, type RuleSet } from '../../pipelines/alerts/index.ts';

export async function loadRulesFile(path: string): Promise<RuleSet> {
  return parseRuleSetText(await readFile(path, 'utf8'));
}

export interface RulesWatcher {
  /** Re-reads the file now; resolves with the new set or rejects with the validation error. */
  reload(): Promise<RuleSet>;
  close(): void;
}

export function watchRulesFile(
  path: string,
  onRules: (rules: RuleSet) => void,
  onError: (error: Error) => void,
  debounceMs = 200,
): RulesWatcher {
  let timer: NodeJS.Timeout | null = null;
  let last = '';
  async function reload(): Promise<RuleSet> {
    const text = await readFile(path, 'utf8');
    const rules = parseRuleSetText(text);
    last = text;
    onRules(rules);
    return rules;
  }
  let watcher: FSWatcher | null = null;
  try {
    // Watch the folder: editors and config maps replace the file rather than write it in place.
    watcher = watch(dirname(path), (_event, name) => {
      if (name !== null && name !== basename(path)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        readFile(path, 'utf8')
          .then((text) => (text === last ? undefined : reload()))
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
