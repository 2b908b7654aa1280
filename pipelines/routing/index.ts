// Public entry of the routing-hint stage: the rule file's validation and the per-call engine. Pure.
export { createRoutingEngine, combinedRisk } from './engine.ts';
export type { RoutingEngine, CallStartInput, EmotionInput, AlertInput } from './engine.ts';
export { parseRoutingRules, parseRoutingRulesText, RoutingRuleError } from './rule-config.ts';
export type { RoutingRuleErrorCode } from './rule-config.ts';
export type * from './types.ts';
export { SUGGESTIONS } from './types.ts';
