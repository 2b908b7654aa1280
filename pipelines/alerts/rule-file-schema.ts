// The shape of an alert rule file, as zod schemas: the conditions, a rule, a tenant's switch-off of
// a global rule, the file with its defaults; and the bounds they hold a file to. Pure.
import { z } from 'zod';
import { canonicalName } from '../canonical-name.ts';
import { EMOTION_LABELS } from '../emotion/types.ts';
import { METRICS, metricOf } from './metrics.ts';
import { AUDIENCES, SEVERITIES, type Condition } from './types.ts';

/**
 * Bounds of one file. 22 654 generated rules (5 MB) blocked the service's event loop for 8 s at
 * reload, and one window's alerts then outgrew the broker's largest message, which stopped the
 * partition's alerts for every tenant (admin probe). A contact centre's file needs tens of rules.
 */
export const MAX_RULES = 200;
/** A rule fires again on the same call no sooner than this: a cooldown of 0 on a flapping condition gave 17 warnings in one 100 s call. */
export const MIN_COOLDOWN_MS = 10_000;

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

const cooldown = ms.min(
  MIN_COOLDOWN_MS,
  `must be at least ${MIN_COOLDOWN_MS} ms (one alert of a rule per call per 10 s)`,
);
const tenantName = z.string().regex(/^[\w.-]{1,64}$/, 'must be a tenant id (1-64 of A-Z a-z 0-9 _ . -)');
const queueName = z
  .string()
  .min(1)
  .max(200)
  // Queues are stored as canonical names (NFC, no bidirectional marks or invisible characters):
  // "René" typed either way, or with a stray zero-width space, matches.
  .transform(canonicalName);

const defaultsSchema = z.strictObject({
  cooldownMs: cooldown.default(60_000),
  escalateAfterMs: ms.nullable().default(30_000),
  maxGapMs: ms.default(10_000),
});

const ruleId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}');
/** A tenant file's way to switch a global rule off for the tenant, without copying the rule. */
export const switchOffSchema = z.strictObject({ id: ruleId, enabled: z.literal(false) });

export const ruleSchema = z.strictObject({
  id: ruleId,
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
  cooldownMs: cooldown.optional(),
  escalateAfterMs: ms.nullable().optional(),
  /** Only these tenants' calls; absent = every tenant's. */
  tenants: z.array(tenantName).min(1).max(1000).optional(),
  /** Only calls on these queues; absent = every queue. */
  queues: z.array(queueName).min(1).max(1000).optional(),
  message: z.string().min(1).max(500),
  cue: z.string().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  /** A recovery: its alerts end the customer's earlier alerts (recovery-rule.ts); absent: by its id. */
  endsEarlierAlerts: z.boolean().optional(),
  /** Not judged while the customer's line is suspected one-way (call rules only; line-fault-pause.ts). */
  pausedOnLineFault: z.boolean().optional(),
});

export const fileSchema = z.strictObject({
  version: z.union([z.string(), z.number()]).transform(String),
  defaults: defaultsSchema.default({ cooldownMs: 60_000, escalateAfterMs: 30_000, maxGapMs: 10_000 }),
  rules: z.array(z.unknown()).min(1).max(MAX_RULES, `at most ${MAX_RULES} rules in one file`),
});
