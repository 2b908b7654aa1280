// The tenants' own alert rules in force (ALERT_TENANT_RULES_DIR): each tenant's file judged alone,
// at start, when the folder changes and on SIGHUP. An accepted file replaces that tenant's rules
// and is logged with the ids added, removed and changed and its sha256; a rejected one is logged
// and flagged (va_alert_tenant_rules_file_valid{tenant} 0) and the tenant keeps the rules it had
// (at start: none of its own, the global rules only); a deleted file takes the tenant back to the
// global rules. No tenant's file stops another's reload. I/O: watches the folder, SIGHUP.
import type { Counter, Gauge } from 'prom-client';
import {
  parseTenantRuleSetText,
  unmatchedSwitchOffs,
  type RuleSet,
  type TenantRuleSet,
} from '../../../pipelines/alerts/index.ts';
import { errorCode } from '../../../pipelines/errors.ts';
import type { Logger } from '../logger.ts';
import { watchFolder } from './folder-watch.ts';
import { ruleChanges, rulesDigest } from './rules-in-force.ts';
import { readTenantFolder, type TenantFolder } from './tenant-rules-dir.ts';

export interface TenantRulesInForce {
  /** The accepted rule set of each tenant with a file. */
  current(): TenantRuleSet[];
  /** Re-reads the folder now (what SIGHUP does); resolves once every file is judged. */
  reload(): Promise<void>;
  close(): void;
}

export interface TenantRulesOptions {
  dir: string;
  /** The folder as read at start (loadTenantFolder): judged before this returns. */
  initial: TenantFolder;
  /** The global rules in force: a switched-off id none of them has is logged. */
  global: () => RuleSet;
  /** Called after a change of any tenant's rules in force. */
  onApplied: () => void;
  reloads: Counter<'outcome'>;
  fileValid: Gauge<'tenant'>;
  logger: Logger;
  handleSignals: boolean;
  debounceMs?: number;
}

interface Tenant {
  /** The rules in force: null while no file of the tenant was ever accepted. */
  rules: TenantRuleSet | null;
  /** The text last judged, or NUL + the code it was unreadable with: not judged twice. */
  judged: string | null;
}

const NO_RULES = (tenant: string): TenantRuleSet => ({ version: '', rules: [], disabled: [], tenant });

export function keepTenantRulesInForce(o: TenantRulesOptions): TenantRulesInForce {
  const { logger, reloads } = o;
  const tenants = new Map<string, Tenant>();
  const warned = new Set<string>();

  /** Judges one tenant's file; true when the tenant's rules in force changed. */
  const judge = (tenant: string, file: string, read: { text: string } | { error: Error }): boolean => {
    const known = tenants.get(tenant) ?? { rules: null, judged: null };
    tenants.set(tenant, known);
    // An unreadable file is judged again only when why it is unreadable changes.
    const seen = 'text' in read ? read.text : `\u0000${errorCode(read.error, 'RULES_UNREADABLE')}`;
    if (seen === known.judged) return false;
    known.judged = seen;
    try {
      if ('error' in read) throw read.error;
      const next = parseTenantRuleSetText(read.text, tenant);
      const changes = ruleChanges(known.rules ?? NO_RULES(tenant), next);
      const before = known.rules?.disabled ?? [];
      known.rules = next;
      reloads.inc({ outcome: 'ok' });
      o.fileValid.set({ tenant }, 1);
      logger.info('tenant alert rules loaded', {
        tenant,
        file,
        version: next.version,
        rules: next.rules.length,
        switchedOff: next.disabled,
        sha256: rulesDigest(read.text),
        ...changes,
        // A switch-off is a change of the tenant's rules as much as a rule is.
        switchedOffAdded: next.disabled.filter((id) => !before.includes(id)),
        switchedOffRemoved: before.filter((id) => !next.disabled.includes(id)),
      });
      const unmatched = unmatchedSwitchOffs(o.global(), next);
      if (unmatched.length > 0)
        logger.warn('tenant alert rule file switches off rule ids no global rule has', {
          tenant,
          file,
          ids: unmatched,
        });
      return true;
    } catch (error) {
      reloads.inc({ outcome: 'rejected' });
      o.fileValid.set({ tenant }, 0);
      logger.error('tenant alert rule file rejected; the tenant keeps its previous rules', {
        tenant,
        file,
        code: errorCode(error, 'RULES_INVALID'),
        error: (error as Error).message,
        version: known.rules?.version ?? null,
        // At start there were none: the tenant runs the global rules alone.
        inForce: known.rules ? 'previous tenant rules' : 'global rules only',
      });
      return false;
    }
  };

  const apply = (folder: TenantFolder, notify: boolean): void => {
    let changed = false;
    for (const [tenant, read] of folder.files)
      if (judge(tenant, read.file, 'text' in read ? { text: read.text } : { error: read.error }))
        changed = true;
    for (const [tenant, known] of tenants) {
      if (folder.files.has(tenant)) continue;
      tenants.delete(tenant);
      o.fileValid.remove({ tenant });
      if (!known.rules) continue;
      changed = true;
      logger.info('tenant alert rule file removed; the tenant runs the global rules', {
        tenant,
        removed: known.rules.rules.map((r) => r.id),
        switchedOffRemoved: known.rules.disabled,
      });
    }
    for (const name of folder.ignored) {
      if (warned.has(name)) continue;
      warned.add(name);
      logger.warn('file in the tenant rules folder ignored: not <tenant id>.yaml', {
        dir: o.dir,
        name,
      });
    }
    if (changed && notify) o.onApplied();
  };

  // At start the caller reads current(): nothing is in force yet to be told about.
  apply(o.initial, false);
  const reload = async (): Promise<void> => {
    let folder: TenantFolder;
    try {
      folder = await readTenantFolder(o.dir);
    } catch (error) {
      // The folder gone (a volume unmounted): every tenant keeps what it had.
      logger.error('tenant rules folder unreadable; every tenant keeps its rules', {
        dir: o.dir,
        code: errorCode(error, 'RULES_UNREADABLE'),
        error: (error as Error).message,
      });
      return;
    }
    apply(folder, true);
  };
  // One reload at a time, in order: two overlapping scans could apply an older read last.
  let queue = Promise.resolve();
  const serialReload = (): Promise<void> => (queue = queue.then(reload));
  const watcher = watchFolder(
    o.dir,
    () => void serialReload(),
    (error) => logger.error('tenant rules folder watch failed', { dir: o.dir, error: error.message }),
    o.debounceMs ?? 200,
  );
  // The folder was read before the service booted (Kafka may take minutes): a file changed since
  // then raised no event this watch could see. Unchanged files are not judged again.
  void serialReload();
  const onHup = (): void => void serialReload();
  if (o.handleSignals) process.on('SIGHUP', onHup);
  return {
    current: () => [...tenants.values()].flatMap((t) => (t.rules ? [t.rules] : [])),
    reload: serialReload,
    close() {
      watcher.close();
      process.off('SIGHUP', onHup);
    },
  };
}
