// Validates an alert rule file (already parsed from YAML/JSON) into a RuleSet. Every error names
// the rule and the field. Pure, no I/O: the service reads the file and calls parseRuleSet.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RuleFileError } from '../errors.ts';
import { lookbackOf, metricsOf, usesState } from './conditions.ts';
import { METRICS, metricOf } from './metrics.ts';
import { AUDIENCES, SEVERITIES } from './types.ts';
import type { AlertRule, Condition, RuleSet, Source } from './types.ts';
import { EMOTION_LABELS } from '../emotion/types.ts';

export type RuleErrorCode = 'RULES_SYNTAX' | 'RULES_INVALID' | 'RULE_INVALID';

export class AlertRuleError extends RuleFileError<RuleErrorCode> {}

const STATES = [...EMOTION_LABELS, 'no-speech', 'uncertain'] as const;
const ms = z.number().int().min(0).max(3_600_000);
const metric = z.string().superRefine((m, ctx) => {
  if (!metricOf(m))
    ctx.addIssue({
      code: 'custom',
      message: `unknown metric "${m}" (known: ${Object.keys(METRICS).join(', ')})`,
    });
});

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
    z.strictObject({ state: z.array(z.enum(STATES)).min(1) }),
    z.strictObject({ metric, sumGte: z.number(), withinMs: ms.min(1) }),
    z
      .strictObject({
        metric,
        dropBy: z.number().positive().optional(),
        riseBy: z.number().positive().optional(),
        withinMs: ms.min(1),
      })
      .refine((c) => (c.dropBy === undefined) !== (c.riseBy === undefined), {
        message: 'give exactly one of dropBy, riseBy',
      }),
    z
      .strictObject({
        metric,
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
      })
      .refine((c) => [c.gt, c.gte, c.lt, c.lte].some((v) => v !== undefined), {
        message: 'needs gt, gte, lt or lte',
      }),
  ]),
);

const defaultsSchema = z.strictObject({
  cooldownMs: ms.default(60_000),
  escalateAfterMs: ms.nullable().default(30_000),
  maxGapMs: ms.default(10_000),
});

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}'),
  name: z.string().min(1).max(120),
  subject: z.enum(['agent', 'customer', 'call']),
  when: condition,
  minDurationMs: ms.default(0),
  durationBasis: z.enum(['speech', 'audio']).default('speech'),
  /** Speech basis on the features stream: windows under this share of speech are silence here. */
  minSpeechFraction: z.number().min(0).max(1).optional(),
  maxGapMs: ms.optional(),
  after: z.strictObject({ when: condition, minDurationMs: ms.default(0), withinMs: ms.min(1) }).optional(),
  audience: z.enum(AUDIENCES),
  severity: z.enum(SEVERITIES),
  cooldownMs: ms.optional(),
  escalateAfterMs: ms.nullable().optional(),
  message: z.string().min(1).max(500),
  cue: z.string().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
});

const fileSchema = z.strictObject({
  version: z.union([z.string(), z.number()]).transform(String),
  defaults: defaultsSchema.default({ cooldownMs: 60_000, escalateAfterMs: 30_000, maxGapMs: 10_000 }),
  rules: z.array(z.unknown()).min(1),
});

const PLACEHOLDER = /\{([A-Za-z.]+)\}/g;
const BUILTIN_PLACEHOLDERS = new Set(['durationS', 'evidence', 'subject']);

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

/** Validates a parsed rule file. Disabled rules are dropped; ids must be unique. */
export function parseRuleSet(raw: unknown): RuleSet {
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
    throw new AlertRuleError('RULES_INVALID', `rule file field ${field}: ${issue.message}`, null, field);
  }
  const { defaults } = file.data;
  const rules: AlertRule[] = [];
  const seen = new Set<string>();
  file.data.rules.forEach((rawRule, index) => {
    const label = (rawRule as { id?: unknown } | null)?.id;
    const ruleName = typeof label === 'string' ? label : `rules[${index}]`;
    const parsed = ruleSchema.safeParse(rawRule);
    if (!parsed.success) {
      const issue = deepestIssue(parsed.error);
      const field = fieldPath(issue.path) || '(rule)';
      throw new AlertRuleError(
        'RULE_INVALID',
        `rule "${ruleName}" field ${field}: ${issue.message}`,
        ruleName,
        field,
      );
    }
    const r = parsed.data;
    if (seen.has(r.id))
      throw new AlertRuleError('RULE_INVALID', `rule "${r.id}" field id: duplicate id`, r.id, 'id');
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
    if (r.minSpeechFraction !== undefined && (source !== 'features' || r.durationBasis !== 'speech'))
      throw new AlertRuleError(
        'RULE_INVALID',
        `rule "${r.id}" field minSpeechFraction: only for a speaker-features rule with durationBasis speech`,
        r.id,
        'minSpeechFraction',
      );
    if (!r.enabled) return;
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
    });
  });
  return { version: file.data.version, rules };
}

/** Parses rule file text (YAML, which includes JSON) and validates it. */
export function parseRuleSetText(text: string): RuleSet {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new AlertRuleError('RULES_SYNTAX', `rule file is not valid YAML/JSON: ${(error as Error).message}`);
  }
  return parseRuleSet(raw);
}

/** Longest history any rule needs, for trimming the engine's per-stream history. */
export function maxLookbackMs(set: RuleSet): number {
  let max = 0;
  for (const r of set.rules) max = Math.max(max, lookbackOf(r.when), r.after ? lookbackOf(r.after.when) : 0);
  return max;
}
