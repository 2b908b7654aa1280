// Routing hints and what they are made from: the rule set (config/routing-rules.yaml), the
// customer-history summary the start rules read, and the hint itself. Pure types, no I/O.
import type { EmotionState } from '../emotion/types.ts';

export const SUGGESTIONS = ['senior', 'retention', 'callback', 'none'] as const;
export type Suggested = (typeof SUGGESTIONS)[number];

/**
 * What the customer history knows about a customer when a call starts (the call store's history). Null when the customer has none, gave no reference, or opted out of history.
 */
export interface CustomerHistory {
  /** Earlier calls within `windowDays` (this call not counted). */
  callsInWindow: number;
  windowDays: number;
  /** The customer's state at the end of their last call; null when unknown. */
  lastEndState: EmotionState | 'no-speech' | 'uncertain' | null;
  /** Alerts escalated to a supervisor over those calls. */
  escalations: number;
}

export interface HistoryCondition {
  minCalls?: number;
  lastEndState?: string[];
  minEscalations?: number;
}

export type RoutingCondition =
  | { history: HistoryCondition }
  | { alertRule: string[] }
  | { states: string[]; minShare: number; withinMs: number; minWindows: number };

export type RoutingTrigger = 'call-start' | 'alert' | 'emotion';

export interface RoutingRule {
  id: string;
  on: RoutingTrigger;
  when: RoutingCondition;
  risk: number;
  suggested: Suggested;
  /** Plain words with placeholders filled at match time. */
  reason: string;
  ttlMs: number;
}

export interface RoutingRuleSet {
  version: string;
  /** A live hint again only when the call's risk rose by at least this since its last hint. */
  minRiskRise: number;
  rules: RoutingRule[];
}

export interface RoutingHint {
  hintId: string;
  tenant: string;
  callId: string;
  customerRef: string;
  risk: number;
  reasons: string[];
  suggested: Suggested;
  expiresAtMs: number;
  trigger: 'call-start' | 'live';
  ruleIds: string[];
  audioMs: number;
  producedAtMs: number;
  agentId: string;
  queue: string;
}
