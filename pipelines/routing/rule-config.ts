// Validates a routing rule file (config/routing-rules.yaml, parsed from YAML/JSON) into a
// RoutingRuleSet, the way the alert rules are validated: typed errors with stable codes, naming the
// rule and the field. Pure, no I/O: the service reads the file.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RuleFileError } from '../errors.ts';
import { EMOTION_LABELS } from '../emotion/types.ts';
import { SUGGESTIONS, type RoutingCondition, type RoutingRule, type RoutingRuleSet } from './types.ts';

export type RoutingRuleErrorCode = 'ROUTING_RULES_SYNTAX' | 'ROUTING_RULES_INVALID' | 'ROUTING_RULE_INVALID';

export class RoutingRuleError extends RuleFileError<RoutingRuleErrorCode> {}

const STATES = [...EMOTION_LABELS, 'no-speech', 'uncertain'] as const;
const ms = z.number().int().min(1).max(86_400_000);
const count = z.number().int().min(0).max(10_000);
const alertRuleId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}');

const historySchema = z.strictObject({
  history: z
    .strictObject({
      minCalls: count.optional(),
      lastEndState: z.array(z.enum(STATES)).min(1).optional(),
      minEscalations: count.optional(),
    })
    .refine((h) => Object.keys(h).length > 0, { message: 'needs minCalls, lastEndState or minEscalations' }),
});
const alertSchema = z.strictObject({ alertRule: z.array(alertRuleId).min(1) });
const emotionSchema = z.strictObject({
  states: z.array(z.enum(STATES)).min(1),
  minShare: z.number().gt(0).max(1),
  withinMs: ms,
  minWindows: z.number().int().min(1).max(10_000).default(5),
});

/** Which `when` each trigger takes, and the placeholders its reason may use. */
const KINDS = {
  'call-start': { when: historySchema, placeholders: ['calls', 'days', 'lastEndState', 'escalations'] },
  alert: { when: alertSchema, placeholders: ['alertMessage'] },
  emotion: { when: emotionSchema, placeholders: ['sharePct', 'withinS'] },
} as const;

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}'),
  on: z.enum(['call-start', 'alert', 'emotion']),
  when: z.record(z.string(), z.unknown()),
  risk: z.number().min(0).max(1),
  suggested: z.enum(SUGGESTIONS),
  reason: z.string().min(1).max(200),
  ttlMs: ms.optional(),
  enabled: z.boolean().default(true),
});

const fileSchema = z.strictObject({
  version: z.union([z.string().max(64), z.number()]).transform(String),
  defaults: z
    .strictObject({ ttlMs: ms.default(300_000), minRiskRise: z.number().min(0).max(1).default(0.1) })
    .default({ ttlMs: 300_000, minRiskRise: 0.1 }),
  rules: z.array(z.unknown()).min(1).max(200),
});

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function firstIssue(error: z.ZodError, prefix = ''): { field: string; message: string } {
  const issue = error.issues[0];
  const path = fieldPath(issue.path);
  return { field: [prefix, path].filter(Boolean).join('.') || '(root)', message: issue.message };
}

function parseRule(raw: unknown, index: number, defaultTtlMs: number): RoutingRule & { enabled: boolean } {
  const label = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  const name = typeof label === 'string' && label.length <= 64 ? label : `rules[${index}]`;
  const fail = (field: string, message: string): never => {
    throw new RoutingRuleError(
      'ROUTING_RULE_INVALID',
      `rule "${name}" field ${field}: ${message}`,
      name,
      field,
    );
  };
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    return fail(field, message);
  }
  const r = parsed.data;
  const kind = KINDS[r.on];
  const when = kind.when.safeParse(r.when);
  if (!when.success) {
    const { field, message } = firstIssue(when.error, 'when');
    return fail(field, `${message} (a rule on ${r.on} takes ${Object.keys(kind.when.shape).join(', ')})`);
  }
  for (const match of r.reason.matchAll(PLACEHOLDER)) {
    if (!(kind.placeholders as readonly string[]).includes(match[1]))
      fail('reason', `unknown placeholder {${match[1]}} (known here: ${kind.placeholders.join(', ')})`);
  }
  return {
    id: r.id,
    on: r.on,
    when: when.data as RoutingCondition,
    risk: r.risk,
    suggested: r.suggested,
    reason: r.reason,
    ttlMs: r.ttlMs ?? defaultTtlMs,
    enabled: r.enabled,
  };
}

/** Validates a parsed rule file. Disabled rules are dropped; ids must be unique. */
export function parseRoutingRules(raw: unknown): RoutingRuleSet {
  const file = fileSchema.safeParse(raw);
  if (!file.success) {
    const { field, message } = firstIssue(file.error);
    throw new RoutingRuleError(
      'ROUTING_RULES_INVALID',
      `routing rule file field ${field}: ${message}`,
      null,
      field,
    );
  }
  const seen = new Set<string>();
  const rules: RoutingRule[] = [];
  file.data.rules.forEach((raw, index) => {
    const { enabled, ...rule } = parseRule(raw, index, file.data.defaults.ttlMs);
    if (seen.has(rule.id))
      throw new RoutingRuleError(
        'ROUTING_RULE_INVALID',
        `rule "${rule.id}" field id: duplicate id`,
        rule.id,
        'id',
      );
    seen.add(rule.id);
    if (enabled) rules.push(rule);
  });
  return { version: file.data.version, minRiskRise: file.data.defaults.minRiskRise, rules };
}

/** Parses rule file text (YAML, which includes JSON) and validates it. */
export function parseRoutingRulesText(text: string): RoutingRuleSet {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RoutingRuleError(
      'ROUTING_RULES_SYNTAX',
      `routing rule file is not valid YAML/JSON: ${(error as Error).message}`,
    );
  }
  return parseRoutingRules(raw);
}
