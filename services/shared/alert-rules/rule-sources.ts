// The alert rules the engine runs: the global rule file (rules-in-force.ts) merged with the
// tenants' own files when ALERT_TENANT_RULES_DIR is set (tenant-rules-in-force.ts,
// pipelines/alerts/tenant-rules.ts). Either side's accepted change gives the engine the merged set
// again; neither side's rejection touches the other. I/O: through the two watchers.
import { mergeTenantRules, type RuleSet } from '../../../pipelines/alerts/index.ts';
import type { Logger } from '../logger.ts';
import type { Counter, Gauge } from 'prom-client';
import { loadRulesFile } from './rules-file.ts';
import { keepRulesInForce } from './rules-in-force.ts';
import { loadTenantFolder, type TenantFolder } from './tenant-rules-dir.ts';
import { keepTenantRulesInForce } from './tenant-rules-in-force.ts';

/** The files as read at start, before the broker is reached. */
export interface InitialRules {
  global: RuleSet;
  /** Null when ALERT_TENANT_RULES_DIR is unset. */
  tenants: TenantFolder | null;
}

/** Where the rules are (the alert service's settings; the call store reads the same, pace-rules.ts). */
export interface RulesConfig {
  ALERT_RULES_FILE: string;
  ALERT_TENANT_RULES_DIR?: string;
}

/** The series a reader of the files keeps: reloads by outcome, whether each file is in force. */
export interface RuleFileMetrics {
  reloads: Counter<'outcome'>;
  rulesFileValid: Gauge;
  tenantRulesFileValid: Gauge<'tenant'>;
}

/**
 * A global file the service cannot run is CONFIG_INVALID (exit 2), as before; so is a tenant folder
 * that cannot be read (the setting names a folder that is not there). A tenant's bad file is not:
 * it would let one tenant's editor stop every tenant's alerts (keepTenantRulesInForce).
 */
export async function loadInitialRules(config: RulesConfig): Promise<InitialRules> {
  const global = await loadRulesFile(config.ALERT_RULES_FILE);
  const dir = config.ALERT_TENANT_RULES_DIR;
  return { global, tenants: dir ? await loadTenantFolder(dir) : null };
}

export interface RuleSources {
  /** The merged rules in force. */
  current(): RuleSet;
  /** Re-reads the global file; rejects with its validation error (what SIGHUP does, too). */
  reload(): Promise<RuleSet>;
  /** Re-reads the tenants' folder, when set (SIGHUP does, too). */
  reloadTenants(): Promise<void>;
  close(): void;
}

export interface RuleSourcesOptions {
  config: RulesConfig;
  initial: InitialRules;
  /** Called with the merged set after any accepted change. */
  onApplied: (rules: RuleSet) => void;
  counters: RuleFileMetrics;
  logger: Logger;
  handleSignals: boolean;
}

export function keepRuleSources(o: RuleSourcesOptions): RuleSources {
  const applied = (): void => o.onApplied(current());
  const global = keepRulesInForce({
    path: o.config.ALERT_RULES_FILE,
    initial: o.initial.global,
    onApplied: applied,
    reloads: o.counters.reloads,
    fileValid: o.counters.rulesFileValid,
    logger: o.logger,
    handleSignals: o.handleSignals,
  });
  const dir = o.config.ALERT_TENANT_RULES_DIR;
  const tenants =
    dir && o.initial.tenants
      ? keepTenantRulesInForce({
          dir,
          initial: o.initial.tenants,
          global: global.current,
          onApplied: applied,
          reloads: o.counters.reloads,
          fileValid: o.counters.tenantRulesFileValid,
          logger: o.logger,
          handleSignals: o.handleSignals,
        })
      : null;
  const current = (): RuleSet =>
    tenants ? mergeTenantRules(global.current(), tenants.current()) : global.current();
  return {
    current,
    reload: global.reload,
    reloadTenants: () => tenants?.reload() ?? Promise.resolve(),
    close() {
      global.close();
      tenants?.close();
    },
  };
}
