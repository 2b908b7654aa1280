// The alert rules in force (the global file and the tenants' folder, reloaded on change or SIGHUP)
// and the rules engine's per-call evaluator that applies them; raised alerts counted, timed and
// logged. I/O: the rule files (watched), timers.
import { createAlertEngine, type RuleSet } from '../../pipelines/alerts/index.ts';
import { keepRuleSources, type InitialRules, type RuleSources } from '../shared/alert-rules/rule-sources.ts';
import { windowJumpProblem } from '../shared/audio-pace.ts';
import type { Logger } from '../shared/logger.ts';
import type { ServiceMetrics } from '../shared/metrics.ts';
import type { AlertMetrics } from './alert-metrics.ts';
import type { CallRegistry } from './call-registry.ts';
import type { AlertServiceConfig } from './config.ts';
import { createEvaluator, type Evaluator } from './evaluator.ts';
import { ruleCounts } from './rule-counts.ts';

interface EvaluatorWiring {
  config: AlertServiceConfig;
  registry: CallRegistry;
  rules: () => RuleSet;
  raised: AlertMetrics['raised'];
  metrics: ServiceMetrics;
  logger: Logger;
}

/** The rules engine's per-call evaluation; raised alerts are counted, timed and logged here. */
function alertEvaluator({ config, registry, rules, raised, metrics, logger }: EvaluatorWiring): Evaluator {
  return createEvaluator({
    createEngine: () =>
      createAlertEngine({
        rules: rules(),
        windowJump: (prev, next) => windowJumpProblem(prev, next, Date.now()),
      }),
    alertsTopic: config.ALERTS_TOPIC,
    maxHoldRecords: config.ALERT_COMMIT_HOLD_MAX_RECORDS,
    maxEndedCalls: config.ALERT_ENDED_CALLS_REMEMBERED,
    endGraceMs: config.ALERT_END_GRACE_MS,
    ownerOf: (tenant, callId) => registry.owner(tenant, callId),
    isErased: (tenant, callId) => registry.isErased(tenant, callId),
    // Counted and logged only: clients get the alert from the fan-out of va.alerts.v1, i.e. once
    // the broker has it. Pushing here, before the produce, showed clients alerts that a failed
    // produce never wrote (ghost alerts).
    onAlert: (rec) => {
      raised.inc({ rule: rec.ruleId, kind: rec.state });
      if (rec.audioCompletedAtMs > 0)
        metrics.observeLatency('alert', rec.audioCompletedAtMs, rec.producedAtMs);
      logger.info('alert raised', {
        alertId: rec.alertId,
        rule: rec.ruleId,
        severity: rec.severity,
        state: rec.state,
      });
    },
  });
}

export interface RulesWiring {
  registry: CallRegistry;
  counters: AlertMetrics;
  metrics: ServiceMetrics;
  logger: Logger;
  handleSignals: boolean;
  /** Called with the merged rules in force at start and after each accepted change. */
  onRules: (rules: RuleSet) => void;
}

/** The rules in force (reloaded on change or SIGHUP) and the evaluator that applies them. */
export function rulesAndEvaluator(
  config: AlertServiceConfig,
  initial: InitialRules,
  { registry, counters, metrics, logger, handleSignals, onRules }: RulesWiring,
): { rules: RuleSources; evaluator: Evaluator } {
  const zeroRuleCounts = ruleCounts(counters);
  const rules = keepRuleSources({
    config,
    initial,
    onApplied: (next) => {
      evaluator.setRules(next);
      zeroRuleCounts(next);
      onRules(next);
    },
    counters,
    logger,
    handleSignals,
  });
  zeroRuleCounts(rules.current());
  onRules(rules.current());
  const evaluator = alertEvaluator({
    config,
    registry,
    rules: rules.current,
    raised: counters.raised,
    metrics,
    logger,
  });
  return { rules, evaluator };
}
