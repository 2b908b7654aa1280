// The alert rules in force: the set loaded at start, replaced when the file changes or on SIGHUP
// (rules-file.ts); a rejected file is counted, logged and flagged (va_alert_rules_file_valid 0:
// the service runs its previous rules, and a restart would refuse the file), and the previous
// rules stay. I/O: watches the rule file, a SIGHUP listener.
import { createHash } from 'node:crypto';
import type { Counter, Gauge } from 'prom-client';
import type { AlertRule, RuleSet } from '../../../pipelines/alerts/index.ts';
import { errorCode } from '../../../pipelines/errors.ts';
import type { Logger } from '../logger.ts';
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
  /** 1 while the file on disk is the rules in force, 0 once a change of it was rejected. */
  fileValid: Gauge;
  logger: Logger;
  handleSignals: boolean;
}

/** Which rule ids a reload added, removed or changed: what an admin checks after an edit. */
export function ruleChanges(
  before: RuleSet,
  after: RuleSet,
): { added: string[]; removed: string[]; changed: string[] } {
  const old = new Map<string, AlertRule>(before.rules.map((r) => [r.id, r]));
  const ids = new Set(after.rules.map((r) => r.id));
  return {
    added: after.rules.filter((r) => !old.has(r.id)).map((r) => r.id),
    removed: before.rules.filter((r) => !ids.has(r.id)).map((r) => r.id),
    changed: after.rules
      .filter((r) => old.has(r.id) && JSON.stringify(old.get(r.id)) !== JSON.stringify(r))
      .map((r) => r.id),
  };
}

export const rulesDigest = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

export function keepRulesInForce(o: RulesInForceOptions): RulesInForce {
  const { reloads, logger } = o;
  let rules = o.initial;
  o.fileValid.set(1);
  const applyRules = (next: RuleSet, text: string): void => {
    const changes = ruleChanges(rules, next);
    rules = next;
    o.onApplied(next);
    reloads.inc({ outcome: 'ok' });
    o.fileValid.set(1);
    logger.info('alert rules loaded', {
      version: next.version,
      rules: next.rules.length,
      sha256: rulesDigest(text),
      ...changes,
    });
  };
  const rejectRules = (error: Error): void => {
    reloads.inc({ outcome: 'rejected' });
    o.fileValid.set(0);
    logger.error('alert rule file rejected; previous rules stay', {
      code: errorCode(error),
      error: error.message,
      version: rules.version,
    });
  };
  const watcher = watchRulesFile(o.path, applyRules, rejectRules, undefined, o.initial);
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
