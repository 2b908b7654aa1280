// Shapes of the alert stage: rules (as validated from the config file), the observations the
// engine consumes, and the alerts it emits. Pure types and constants, no I/O.
import type { Channel, DynamicsWindow, SpeakerWindow } from '../dsp/types.ts';
import type { EmotionEvent, EmotionState } from '../emotion/types.ts';

export const AUDIENCES = ['agent', 'supervisor', 'both'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Who a rule watches: one speaker, or the two-speaker call (dynamics). */
export type Subject = Channel | 'call';

/** Which record stream a rule reads; derived from the metrics it uses. */
export type Source = 'emotion' | 'features' | 'dynamics';

/** Condition tree over one observation plus the recent history of the same stream. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { state: EmotionState[] }
  | ThresholdCondition
  | ChangeCondition
  | SumCondition;

export interface ThresholdCondition {
  metric: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** The metric moved by at least `dropBy` (down) or `riseBy` (up) from its extreme in the last `withinMs`. */
export interface ChangeCondition {
  metric: string;
  dropBy?: number;
  riseBy?: number;
  withinMs: number;
}

/** Sum of the metric over non-overlapping windows of the last `withinMs` (counts like overtalk). */
export interface SumCondition {
  metric: string;
  sumGte: number;
  withinMs: number;
}

/** A condition that must have held earlier (e.g. "was negative") for the rule to fire (recovery). */
export interface PriorCondition {
  when: Condition;
  minDurationMs: number;
  withinMs: number;
}

export interface AlertRule {
  /** Stable id, `[a-z0-9-]+`; part of every alert id. */
  id: string;
  name: string;
  subject: Subject;
  source: Source;
  when: Condition;
  /** How long the condition must hold before the rule fires. */
  minDurationMs: number;
  /** 'speech': only windows where the subject speaks count (silence neither counts nor breaks). */
  durationBasis: 'speech' | 'audio';
  /**
   * Speech basis, features stream: a window with less speech than this counts as silence for the
   * rule (skipped, neither holding nor breaking it), null = the engine's line. A pace over half a
   * window of speech is no pace (agent-pace.ts); as a condition, a breath broke the run.
   */
  minSpeechFraction: number | null;
  /** A run is broken when no holding window was seen for this long (speech basis). */
  maxGapMs: number;
  after: PriorCondition | null;
  audience: Audience;
  severity: Severity;
  cooldownMs: number;
  /** Agent-directed alerts still holding this long after firing go to the supervisor; null = never. */
  escalateAfterMs: number | null;
  /** Template: {durationS}, {evidence}, {subject} and {<metric>} (current value). */
  message: string;
  /** Plain-words cue shown to the agent, or null. */
  cue: string | null;
  /** The calls the rule judges: null = every call. */
  scope: RuleScope | null;
  /**
   * A recovery (customer rules only): its alerts end the customer's alerts raised before it (the
   * QA call page). null: the file does not say, read by the rule's id (recovery-rule.ts).
   */
  endsEarlierAlerts: boolean | null;
  /**
   * Call rules that judge the agent against the customer's speech (long-silence): a window whose
   * customer's line is suspected one-way (customerLineFaultMs) ends the rule's episode and does
   * not count (line-fault-pause.ts). false: judged on every window.
   */
  pausedOnLineFault: boolean;
}

/** Tenants and queues a rule is limited to; null in a field = any. */
export interface RuleScope {
  tenants: string[] | null;
  queues: string[] | null;
  /** Tenants whose own rule file replaces or switches off this rule (tenant-rules.ts). */
  exceptTenants?: string[];
}

/**
 * One tenant's rule file (ALERT_TENANT_RULES_DIR/<tenant>.yaml): its rules, each limited to the
 * tenant, and the ids it switches off for the tenant (`enabled: false`).
 */
export interface TenantRuleSet extends RuleSet {
  tenant: string;
  disabled: string[];
}

/** Whose call an observation belongs to, for scoped rules (unknown: scoped rules do not judge it). */
export interface CallScope {
  tenant: string;
  queue: string;
}

export interface RuleSet {
  version: string;
  rules: AlertRule[];
}

/** One window of a call as the engine sees it; `arrivalMs`: when its audio reached the gateway (0/absent = unknown). */
export type Observation = (
  | { source: 'emotion'; callId: string; channel: Channel; event: EmotionEvent }
  | {
      source: 'features';
      callId: string;
      channel: Channel;
      window: SpeakerWindow;
      /** The window's agent leg (FeatureWindow.agent_leg, pipelines/agent-leg.ts); absent/0 = unknown. */
      agentLeg?: number;
      /** Set by the engine: the tension's rise over the speaker's call start (tension-rise.ts). */
      tensionRise?: number;
    }
  | { source: 'dynamics'; callId: string; window: DynamicsWindow }
) & { arrivalMs?: number; scope?: CallScope };

export type AlertKind = 'raised' | 'escalated';

export interface AlertEvent {
  /** Deterministic: `${callId}:${subject}:${windowIndex}:${ruleId}` (escalations: `${ruleId}.escalated`). */
  alertId: string;
  callId: string;
  ruleId: string;
  ruleName: string;
  kind: AlertKind;
  subject: Subject;
  windowIndex: number;
  /** Audio time (ms since call start) when the condition started to hold. */
  conditionStartMs: number;
  /** Audio time of the end of the window that made the rule fire. */
  audioMs: number;
  /** How long the condition held when the alert fired. */
  heldMs: number;
  audience: Audience;
  severity: Severity;
  message: string;
  cue: string | null;
  evidence: string[];
  /** For escalations: the alert id that was escalated. */
  escalationOf: string | null;
  /** Its rule is a recovery: it ends the customer's earlier alerts (recovery-rule.ts). */
  endsEarlierAlerts: boolean;
}
