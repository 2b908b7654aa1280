// Public entry of the alert stage: rule validation, the rules engine, access rules and live call
// state. Pure, no I/O.
export { AlertRuleError, parseRuleSet, parseRuleSetText, maxLookbackMs } from './rule-config.ts';
export type { RuleErrorCode } from './rule-config.ts';
export { createAlertEngine, renderMessage } from './engine.ts';
export type { AlertEngine, AlertEngineOptions } from './engine.ts';
export { METRICS, metricNames } from './metrics.ts';
export { ROLES, canSeeCall, audienceIncludes, audienceOf, mayAcknowledge } from './access.ts';
export type { Principal, Role, CallOwner } from './access.ts';
export * from './live-state.ts';
export * from './types.ts';
