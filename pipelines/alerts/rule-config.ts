// Validates an alert rule file (already parsed from YAML/JSON) into a RuleSet. Every error names
// the rule and the field. Pure, no I/O: the service reads the file and calls parseRuleSet (its
// text: rule-file-text.ts; the shape it must have: rule-file-schema.ts).
import type { z } from 'zod';
import { RuleFileError } from '../errors.ts';
import { lookbackOf, metricsOf, usesState } from './conditions.ts';
import { METRICS, metricOf } from './metrics.ts';
import type { AlertRule, Condition, RuleScope, RuleSet, Source, TenantRuleSet } from './types.ts';
import { impossibleCondition } from './rule-sanity.ts';
import { fileSchema, ruleSchema, switchOffSchema } from './rule-file-schema.ts';

export type RuleErrorCode = 'RULES_SYNTAX' | 'RULES_INVALID' | 'RULE_INVALID';

export class AlertRuleError extends RuleFileError<RuleErrorCode> {
  /** Where in the file (keys and indexes from the root), for the line number; null when unknown. */
  location: (string | number)[] | null = null;
}

export { MAX_RULES, MIN_COOLDOWN_MS } from './rule-file-schema.ts';

/**
 * Longest look-back (withinMs) of a rule in a tenant's own file: every call keeps that much of its
 * history and each window re-reads it, on the evaluator all tenants share (one tenant's 200 rules
 * of an hour each cost 3.4 ms per window of its calls: review, 2026-12-07). The global file, the
 * platform's own, is not capped.
 */
export const MAX_TENANT_LOOKBACK_MS = 300_000;
export const MAX_FILE_CHARS = 1_048_576;

const PLACEHOLDER = /\{([A-Za-z.]+)\}/g;
const BUILTIN_PLACEHOLDERS = new Set(['durationS', 'evidence', 'subject']);

function ruleError(
  code: RuleErrorCode,
  message: string,
  ruleId: string | null,
  field: string,
  location: readonly PropertyKey[],
): AlertRuleError {
  const error = new AlertRuleError(code, message, ruleId, field);
  error.location = location.filter((k): k is string | number => typeof k !== 'symbol');
  return error;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function deepestIssue(error: z.ZodError): z.core.$ZodIssue {
  // Unions report "invalid input" at the top; the branch with the deepest path says what is wrong.
  let best = error.issues[0];
  const visit = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): void => {
    for (const issue of issues) {
      const full = { ...issue, path: [...prefix, ...issue.path] } as z.core.$ZodIssue;
      if (full.path.length > best.path.length) best = full;
      if (issue.code === 'invalid_union') for (const branch of issue.errors) visit(branch, full.path);
    }
  };
  visit(error.issues, []);
  return best;
}

/** Derives the single stream a rule reads; throws naming the field when metrics mix streams. */
function sourceOf(id: string, when: Condition, after: Condition | undefined, subject: string): Source {
  const sources = new Set<Source>();
  for (const m of [...metricsOf(when), ...(after ? metricsOf(after) : [])]) sources.add(METRICS[m].source);
  if (usesState(when) || (after && usesState(after))) sources.add('emotion');
  if (sources.size !== 1) {
    throw new AlertRuleError(
      'RULE_INVALID',
      `rule "${id}" field when: uses ${[...sources].join(' and ') || 'no'} metrics; a rule reads exactly one stream (emotion, features or dynamics)`,
      id,
      'when',
    );
  }
  const source = [...sources][0];
  if ((source === 'dynamics') !== (subject === 'call')) {
    throw new AlertRuleError(
      'RULE_INVALID',
      `rule "${id}" field subject: dynamics metrics need subject "call", speaker metrics need "agent" or "customer"`,
      id,
      'subject',
    );
  }
  return source;
}

/**
 * Deepest nesting a rule file may have (the shipped one needs 8). The validators recurse, so a
 * deeper tree, or a cycle a YAML alias makes (`when: &w { not: *w }`), overflowed the stack with
 * an untyped RangeError (found by test/unit/pipelines/alerts/rule-config-fuzz.test.ts).
 */
const MAX_NESTING = 64;

function nestedTooDeep(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_NESTING) return true;
  return Object.values(value).some((item) => nestedTooDeep(item, depth + 1));
}

function scopeOf(tenants: string[] | undefined, queues: string[] | undefined): RuleScope | null {
  return tenants || queues ? { tenants: tenants ?? null, queues: queues ?? null } : null;
}

/** Validates a parsed rule file. Disabled rules are dropped; ids must be unique. */
export function parseRuleSet(raw: unknown): RuleSet {
  const { version, rules } = parseRules(raw, null);
  return { version, rules };
}

/**
 * Validates a parsed tenant rule file (ALERT_TENANT_RULES_DIR/<tenant>.yaml) with the checks of
 * parseRuleSet: each rule is limited to the tenant (a `tenants:` naming another is refused: the
 * file's editor may edit only that tenant's rules); `enabled: false`, alone with the id or on a
 * whole rule, switches the rule of that id off for the tenant.
 */
export function parseTenantRuleSet(raw: unknown, tenant: string): TenantRuleSet {
  return { ...parseRules(raw, tenant), tenant };
}

function parseRules(raw: unknown, tenant: string | null): RuleSet & { disabled: string[] } {
  if (nestedTooDeep(raw)) {
    throw new AlertRuleError(
      'RULES_INVALID',
      `rule file nests deeper than ${MAX_NESTING} levels (or refers to itself)`,
    );
  }
  const file = fileSchema.safeParse(raw);
  if (!file.success) {
    const issue = deepestIssue(file.error);
    const field = fieldPath(issue.path) || '(root)';
    throw ruleError('RULES_INVALID', `rule file field ${field}: ${issue.message}`, null, field, issue.path);
  }
  const { defaults } = file.data;
  const rules: AlertRule[] = [];
  const disabled: string[] = [];
  const seen = new Set<string>();
  file.data.rules.forEach((rawRule, index) => {
    const label = (rawRule as { id?: unknown } | null)?.id;
    const ruleName = typeof label === 'string' ? label : `rules[${index}]`;
    const off = tenant === null ? null : switchOffSchema.safeParse(rawRule);
    if (off?.success) {
      if (seen.has(off.data.id))
        throw ruleError('RULE_INVALID', `rule "${ruleName}" field id: duplicate id`, ruleName, 'id', [
          'rules',
          index,
          'id',
        ]);
      seen.add(off.data.id);
      disabled.push(off.data.id);
      return;
    }
    const parsed = ruleSchema.safeParse(rawRule);
    if (!parsed.success) {
      const issue = deepestIssue(parsed.error);
      const field = fieldPath(issue.path) || '(rule)';
      throw ruleError(
        'RULE_INVALID',
        `rule "${ruleName}" field ${field}: ${issue.message}`,
        ruleName,
        field,
        ['rules', index, ...issue.path],
      );
    }
    const r = parsed.data;
    const at = (field: string, ...path: PropertyKey[]) => ['rules', index, field, ...path];
    if (seen.has(r.id))
      throw ruleError('RULE_INVALID', `rule "${r.id}" field id: duplicate id`, r.id, 'id', at('id'));
    seen.add(r.id);
    for (const match of r.message.matchAll(PLACEHOLDER)) {
      if (!BUILTIN_PLACEHOLDERS.has(match[1]) && !metricOf(match[1])) {
        throw new AlertRuleError(
          'RULE_INVALID',
          `rule "${r.id}" field message: unknown placeholder {${match[1]}}`,
          r.id,
          'message',
        );
      }
    }
    const source = sourceOf(r.id, r.when, r.after?.when, r.subject);
    // Only a speech-basis rule on a speaker's features skips windows by their speech share: set
    // anywhere else it was accepted and did nothing.
    for (const [field, tree] of [
      ['when', r.when],
      ['after.when', r.after?.when],
    ] as const) {
      const impossible = tree && impossibleCondition(tree);
      if (impossible) {
        const where = fieldPath([...field.split('.'), ...impossible.path]);
        throw ruleError(
          'RULE_INVALID',
          `rule "${r.id}" field ${where}: ${impossible.why}, so it can never hold`,
          r.id,
          where,
          ['rules', index, ...field.split('.'), ...impossible.path],
        );
      }
    }
    // Escalation moves an agent-only alert to supervisors; on another audience it was dropped unsaid.
    if (r.escalateAfterMs !== undefined && r.escalateAfterMs !== null && r.audience !== 'agent')
      throw ruleError(
        'RULE_INVALID',
        `rule "${r.id}" field escalateAfterMs: only for audience agent (a supervisor already sees the alert)`,
        r.id,
        'escalateAfterMs',
        at('escalateAfterMs'),
      );
    // The call store ends the customer's alerts by a recovery of the customer's: on another
    // subject the field would be accepted and do nothing.
    if (r.endsEarlierAlerts === true && r.subject !== 'customer')
      throw ruleError(
        'RULE_INVALID',
        `rule "${r.id}" field endsEarlierAlerts: only for subject customer (a recovery ends the customer's earlier alerts)`,
        r.id,
        'endsEarlierAlerts',
        at('endsEarlierAlerts'),
      );
    // The fault is known on the call's dynamics windows only: on another subject the field would
    // be accepted and do nothing.
    if (r.pausedOnLineFault === true && r.subject !== 'call')
      throw ruleError(
        'RULE_INVALID',
        `rule "${r.id}" field pausedOnLineFault: only for subject call (the line fault is on the call's dynamics windows)`,
        r.id,
        'pausedOnLineFault',
        at('pausedOnLineFault'),
      );
    if (r.minSpeechFraction !== undefined && (source !== 'features' || r.durationBasis !== 'speech'))
      throw new AlertRuleError(
        'RULE_INVALID',
        `rule "${r.id}" field minSpeechFraction: only for a speaker-features rule with durationBasis speech`,
        r.id,
        'minSpeechFraction',
      );
    // A tenant's rules run on the evaluator every tenant shares: their history (per call) and
    // their cost (per observation) are bounded for all of them, not by the platform's global file.
    const afterLookback = r.after ? Math.max(r.after.withinMs, lookbackOf(r.after.when)) : 0;
    const [field, lookback] =
      afterLookback > lookbackOf(r.when) ? ['after', afterLookback] : ['when', lookbackOf(r.when)];
    if (tenant !== null && lookback > MAX_TENANT_LOOKBACK_MS)
      throw ruleError(
        'RULE_INVALID',
        `rule "${r.id}" field ${field}: looks back ${lookback} ms; a tenant's file may look back at most ${MAX_TENANT_LOOKBACK_MS} ms`,
        r.id,
        field,
        at(field),
      );
    if (tenant !== null && r.tenants?.some((t) => t !== tenant))
      throw ruleError(
        'RULE_INVALID',
        `rule "${r.id}" field tenants: the file of tenant "${tenant}" may name only "${tenant}" (its rules apply to that tenant only)`,
        r.id,
        'tenants',
        at('tenants'),
      );
    if (!r.enabled) {
      disabled.push(r.id);
      return;
    }
    rules.push({
      id: r.id,
      name: r.name,
      subject: r.subject,
      source,
      when: r.when,
      minDurationMs: r.minDurationMs,
      durationBasis: source === 'dynamics' ? 'audio' : r.durationBasis,
      minSpeechFraction: r.minSpeechFraction ?? null,
      maxGapMs: r.maxGapMs ?? defaults.maxGapMs,
      after: r.after
        ? { when: r.after.when, minDurationMs: r.after.minDurationMs, withinMs: r.after.withinMs }
        : null,
      audience: r.audience,
      severity: r.severity,
      cooldownMs: r.cooldownMs ?? defaults.cooldownMs,
      escalateAfterMs:
        r.audience === 'agent'
          ? r.escalateAfterMs === undefined
            ? defaults.escalateAfterMs
            : r.escalateAfterMs
          : null,
      message: r.message,
      cue: r.cue ?? null,
      scope: scopeOf(tenant === null ? r.tenants : [tenant], r.queues),
      endsEarlierAlerts: r.endsEarlierAlerts ?? null,
      pausedOnLineFault: r.pausedOnLineFault ?? false,
    });
  });
  return { version: file.data.version, rules, disabled };
}

/** Longest history any rule needs, for trimming the engine's per-stream history. */
export function maxLookbackMs(set: RuleSet): number {
  let max = 0;
  for (const r of set.rules) max = Math.max(max, lookbackOf(r.when), r.after ? lookbackOf(r.after.when) : 0);
  return max;
}
