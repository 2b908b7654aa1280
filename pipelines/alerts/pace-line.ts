// The agent page's pace note judges the line of the agent-too-fast rule in force for the call: a
// tenant's file may raise its limit (usual pace differs by language: agent-pace.ts), switch it off
// or the global file limit it to some queues, and a page still warning at 7 then contradicted the
// product's own rule. Found by id, in the merged rule set the engine runs (tenant-rules.ts), with
// the engine's reach (rule-scope.ts). A rule of that id the note cannot read as one limit (not a
// plain `articulationRate gt X` on the agent, or with a prior condition) gives no note: guessing
// a line from another condition would warn where the rule does not. Pure, no I/O.
import { AGENT_PACE_LIMIT, PACE_MIN_SPEECH_FRACTION, PACE_NOTE_MAX_GAP_MS } from './agent-pace.ts';
import { ENGINE_MIN_SPEECH_FRACTION } from './engine.ts';
import { inScope, tenantInScope } from './rule-scope.ts';
import type { AlertRule, RuleSet } from './types.ts';

export const AGENT_PACE_RULE_ID = 'agent-too-fast';

/** What the note judges a window of the agent's pace against. */
export interface PaceLine {
  /** Pace while speaking above this is over the line (the rule's `gt`). */
  limit: number;
  /** Windows with less speech neither hold nor break a run (the rule's, else the engine's line). */
  minSpeechFraction: number;
  /** A run is broken when no window over the line was seen for this long (the rule's). */
  maxGapMs: number;
}

/** The default rule's line (config/alert-rules.yaml; a test keeps them equal). */
export const DEFAULT_PACE_LINE: PaceLine = {
  limit: AGENT_PACE_LIMIT,
  minSpeechFraction: PACE_MIN_SPEECH_FRACTION,
  maxGapMs: PACE_NOTE_MAX_GAP_MS,
};

/** The rule's line, or null when it is not one plain limit on the agent's pace. */
export function paceLineOfRule(rule: AlertRule): PaceLine | null {
  const when = rule.when as Record<string, unknown>;
  const plain =
    rule.subject === 'agent' &&
    rule.source === 'features' &&
    rule.after === null &&
    // Judged on every window (silence and hold too, audio basis): not the note's run.
    rule.durationBasis === 'speech' &&
    Object.values(when).filter((v) => v !== undefined).length === 2 &&
    when.metric === 'articulationRate' &&
    typeof when.gt === 'number';
  if (!plain) return null;
  return {
    limit: when.gt as number,
    // The engine counts no window under its own line as speech, whatever the rule says.
    minSpeechFraction: Math.max(rule.minSpeechFraction ?? 0, ENGINE_MIN_SPEECH_FRACTION),
    maxGapMs: rule.maxGapMs,
  };
}

/** The line of a call (tenant, queue), or null when no agent-too-fast rule judges it. */
export type PaceLineOf = (tenant: string, queue: string) => PaceLine | null;

/**
 * The pace lines of one rule set: per tenant, the rules of the id that may judge its calls
 * (remembered: asked on every agent window), the call's queue checked as the engine checks it. A
 * reload builds a new one: calls read the new line from their next window.
 */
export function paceLines(rules: RuleSet): PaceLineOf {
  const ofId = rules.rules.filter((rule) => rule.id === AGENT_PACE_RULE_ID);
  const byTenant = new Map<string, AlertRule[]>();
  return (tenant, queue) => {
    let own = byTenant.get(tenant);
    if (!own) {
      own = ofId.filter((rule) => tenantInScope(rule, tenant));
      byTenant.set(tenant, own);
    }
    // One rule of an id judges a call (tenant-rules.ts): the first in scope is it.
    const rule = own.find((r) => inScope(r, { tenant, queue }));
    return rule ? paceLineOfRule(rule) : null;
  };
}
