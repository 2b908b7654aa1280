// The alert rules in force: the set loaded at start, replaced when the file changes or on SIGHUP
// (rules-file.ts); a rejected file is counted and logged, and the previous rules stay.
// I/O: watches the rule file, a SIGHUP listener.
import type { Counter } from 'prom-client';
import type { RuleSet } from '../../pipelines/alerts/index.ts';
import { errorCode } from '../../pipelines/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { watchRulesFile } from './rules-file.ts';

export interface RulesInForce {
  current(): RuleSet;
  /** Re-reads the rule file (what SIGHUP does); rejects with the validation error. */
  reload(): Promise<RuleSet>;
  /** Stops watching the file and listening for SIGHUP. */
  close(): void;
}

export interface RulesInForceOptions {
  path: string;
  initial: RuleSet;
  /** Called with each accepted new rule set. */
  onApplied: (rules: RuleSet) => void;
  reloads: Counter<'outcome'>;
  logger: Logger;
  handleSignals: boolean;
}

export function keepRulesInForce(o: RulesInForceOptions): RulesInForce {
  const { reloads, logger } = o;
  let rules = o.initial;
  const applyRules = (next: RuleSet): void => {
    rules = next;
    o.onApplied(next);
    reloads.inc({ outcome: 'ok' });
    logger.info('alert rules loaded', { version: next.version, rules: next.rules.length });
  };
  const rejectRules = (error: Error): void => {
    reloads.inc({ outcome: 'rejected' });
    logger.error('alert rule file rejected; previous rules stay', {
      code: errorCode(error),
      msg: error.message,
      version: rules.version,
    });
  };
  const watcher = watchRulesFile(o.path, applyRules, rejectRules);
  const reload = () =>
    watcher.reload().catch((error: Error) => {
      rejectRules(error);
      throw error;
    });
  const onHup = (): void => void reload().catch(() => undefined);
  if (o.handleSignals) process.on('SIGHUP', onHup);
  return {
    current: () => rules,
    reload,
    close() {
      watcher.close();
      process.off('SIGHUP', onHup);
    },
  };
}
