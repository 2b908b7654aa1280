// The agent-too-fast line of each call, from the alert service's own rule files: the global file
// (ALERT_RULES_FILE) merged with the tenants' (ALERT_TENANT_RULES_DIR), read as the alert service
// reads them (rule-sources.ts) and judged by the same pace-line.ts the agent's page uses, so the
// scorecard's agentPace judges the line the agent was warned against. Read once at start (a
// changed file applies from the next start); a tenant file that does not validate leaves that
// tenant on the global rules, as the alert service does. I/O: reads the files.
import {
  mergeTenantRules,
  parseTenantRuleSetText,
  type TenantRuleSet,
} from '../../pipelines/alerts/index.ts';
import { paceLines, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import { loadInitialRules } from '../alert-service/rule-sources.ts';
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
