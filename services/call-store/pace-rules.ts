// The agent-too-fast line of each call, from the alert service's own rule files: the global file
// (ALERT_RULES_FILE) merged with the tenants' (ALERT_TENANT_RULES_DIR), read as the alert service
// reads them (rule-sources.ts) and judged by the same pace-line.ts the agent's page uses, so the
// scorecard's agentPace judges the line the agent was warned against. loadPaceLines reads them
// once; keepPaceLines (main.ts) keeps them in force as they change; a tenant file that does not validate leaves that
// tenant on the global rules, as the alert service does. I/O: reads the files.
import {
  mergeTenantRules,
  parseTenantRuleSetText,
  type TenantRuleSet,
} from '../../pipelines/alerts/index.ts';
import { paceLines, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import type { Registry } from 'prom-client';
import { metricBuilders } from '../shared/metric-builders.ts';
import {
  keepRuleSources,
  loadInitialRules,
  type RuleFileMetrics,
} from '../shared/alert-rules/rule-sources.ts';
import type { Logger } from '../shared/logger.ts';

export interface PaceRulesConfig {
  ALERT_RULES_FILE: string;
  ALERT_TENANT_RULES_DIR?: string;
}

/** A global file that cannot be read or does not validate refuses the start, as in the alert service. */
export async function loadPaceLines(
  config: PaceRulesConfig,
  logger: Pick<Logger, 'warn'>,
): Promise<PaceLineOf> {
  const { global, tenants } = await loadInitialRules(config);
  const own: TenantRuleSet[] = [];
  for (const [tenant, read] of tenants?.files ?? []) {
    try {
      if ('error' in read) throw read.error;
      own.push(parseTenantRuleSetText(read.text, tenant));
    } catch (error) {
      logger.warn('tenant alert rules not read: its calls are scored on the global pace line', {
        tenant,
        error: (error as Error).message,
      });
    }
  }
  return paceLines(mergeTenantRules(global, own));
}

/** The pace lines kept in force as the files change (keepPaceLines). */
export interface PaceLinesInForce {
  /** The line of a call now: the rules as last accepted. */
  paceLineOf: PaceLineOf;
  close(): void;
}

/**
 * The files read at start as loadPaceLines, then watched as the alert service watches them
 * (rule-sources.ts): an accepted change (a tenant's administrator editing their ConfigMap) applies
 * to the calls summarised next, as it applies to the agents' page at once; a rejected one keeps the
 * lines in force, as there. Read once only, a tenant's raised limit was judged on the page and not
 * in the scorecard until someone restarted the call store. The global file refuses the start.
 */
export async function keepPaceLines(
  config: PaceRulesConfig,
  logger: Logger,
  registry: Registry,
): Promise<PaceLinesInForce> {
  const initial = await loadInitialRules(config);
  let lines: PaceLineOf = () => null;
  const sources = keepRuleSources({
    config,
    initial,
    onApplied: (rules) => (lines = paceLines(rules)),
    counters: paceRuleMetrics(registry),
    logger,
    handleSignals: false,
  });
  lines = paceLines(sources.current());
  return { paceLineOf: (tenant, queue) => lines(tenant, queue), close: () => sources.close() };
}

/**
 * The call store's own view of the rule files (the alert service's series are its own): a file
 * the alert service accepts and this store rejects would otherwise go unseen, its scorecards on
 * the lines before.
 */
function paceRuleMetrics(registry: Registry): RuleFileMetrics {
  const metric = metricBuilders(registry);
  return {
    reloads: metric.counter(
      'va_store_pace_rule_reloads_total',
      "Reloads of the alert rule files the scorecard's pace line comes from, by outcome",
      ['outcome'],
    ),
    rulesFileValid: metric.gauge(
      'va_store_pace_rules_file_valid',
      '1 while the global alert rule file last read was accepted, 0 while a rejected one is kept out',
    ),
    tenantRulesFileValid: metric.gauge(
      'va_store_pace_tenant_rules_file_valid',
      "1 while a tenant's rule file last read was accepted, 0 while rejected",
      ['tenant'],
    ),
  };
}
