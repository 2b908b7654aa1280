// Public entry of the alert stage: rule validation and the rules engine. Pure, no I/O. (Who may
// see what is services/shared/auth/; the wallboard's live call state, services/alert-service.)
export { AlertRuleError, parseRuleSet, parseTenantRuleSet, maxLookbackMs } from './rule-config.ts';
export { parseRuleSetText, parseTenantRuleSetText } from './rule-file-text.ts';
export { mergeTenantRules, unmatchedSwitchOffs } from './tenant-rules.ts';
export {
  endsEarlierAlerts,
  isRecoveryByName,
  recoveryByNameWarnings,
  RECOVERY_RULE_WORD,
} from './recovery-rule.ts';
export type { RuleErrorCode } from './rule-config.ts';
export { createAlertEngine, renderMessage, WindowJumpError } from './engine.ts';
export type { AlertEngine, AlertEngineOptions } from './engine.ts';
export { METRICS, metricNames } from './metrics.ts';
export {
  TENSION_BASELINE_WINDOWS,
  TENSION_RISE_TENSE,
  newTensionBaseline,
  tensionRise,
  type TensionBaseline,
} from './tension-rise.ts';
export * from './types.ts';
