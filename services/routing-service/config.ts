// The routing-service's options, validated from the environment: topics, the rule file, the
// optional signed webhooks (one per tenant, or one for every tenant; retries, backoff, queue) and
// the history lookup's time budget. I/O: reads ROUTING_TENANT_WEBHOOKS_FILE (env passed in).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  boolVar,
  commonEnv,
  ConfigError,
  intVar,
  loadConfig,
  readConfigFile,
  topicVar,
} from '../shared/config.ts';
import { runModeOf, type RunMode } from '../shared/run-mode.ts';
import { previousKeyProblems } from '../shared/auth/key-rotation.ts';
import { serviceKeyOf } from '../shared/auth/service-key.ts';
import { resolveTopicReplication, type TopicReplication } from '../shared/topic-replication.ts';
import { TOPICS } from '../shared/topics.ts';
import { MAX_HISTORY_WINDOW_DAYS } from '../shared/customer-history-client.ts';
import { checkHistoryUrl } from '../shared/history-url-policy.ts';
import {
  EVERY_TENANT,
  parseTenantWebhooks,
  webhookKeyProblems,
  webhookUrl,
  type WebhookTargets,
} from './tenant-webhooks.ts';

export const DEFAULT_ROUTING_RULES_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../config/routing-rules.yaml',
);

export const routingServiceEnv = z.object({
  ...commonEnv,
  ROUTING_GROUP_ID: z.string().min(1).default('va-routing-service'),
  CALLS_TOPIC: topicVar(TOPICS.calls),
  EMOTIONS_TOPIC: topicVar(TOPICS.emotions),
  ALERTS_TOPIC: topicVar(TOPICS.alerts),
  ROUTING_TOPIC: topicVar(TOPICS.routing),
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
  ROUTING_RULES_FILE: z.string().min(1).default(DEFAULT_ROUTING_RULES_FILE),
  /** Calls whose hint state is held at once (oldest freed first beyond it). */
  ROUTING_MAX_CALLS: intVar({ min: 1, max: 1_000_000, def: 100_000 }),
  /**
   * How far (records) a topic's commit may stay behind while held at the first record of a live
   * call, so a successor rebuilds the call's hint state (routing-replay.ts).
   */
  ROUTING_COMMIT_HOLD_MAX_RECORDS: intVar({ min: 1, max: 10_000_000, def: 200_000 }),
  /**
   * A call with no record for this long is freed (its end never came: a stream ended UNAVAILABLE
   * and never resumed), and the commits it held move on (idle-calls.ts). As ALERT_CALL_IDLE_MS.
   */
  ROUTING_CALL_IDLE_MS: intVar({ min: 1_000, max: 86_400_000, def: 600_000 }),
  /** A history lookup slower than this counts as "no history": the call-start hint never waits long. */
  ROUTING_HISTORY_TIMEOUT_MS: intVar({ min: 10, max: 10_000, def: 300 }),
  /**
   * The call-store's API (http://call-store:8090): call-start hints read the customer's history
   * from its internal route, with a service token signed by SERVICE_TOKEN_SECRET. Unset = live hints only.
   */
  ROUTING_HISTORY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Production: an http:// history URL is refused unless TLS ends in front of the store (history-url-policy.ts). */
  ROUTING_HISTORY_ALLOW_PLAINTEXT: boolVar(false),
  /** Calls counted in the history (the store's window). */
  // What the call store answers: a longer window was refused there on every lookup.
  ROUTING_HISTORY_WINDOW_DAYS: intVar({ min: 1, max: MAX_HISTORY_WINDOW_DAYS, def: 30 }),
  /**
   * The key the call store verifies service tokens with (shared/auth/service-key.ts); needed with a
   * history URL. JWT_SECRET (the page-token key) is accepted instead outside production only.
   */
  SERVICE_TOKEN_SECRET: z.string().optional(),
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('va-alert-service'),
  /**
   * One receiver per tenant (tenant-webhooks.ts): a JSON object `{"<tenant>": {"url", "secret"}}`,
   * inline or in a file. Excludes ROUTING_WEBHOOK_URL.
   */
  ROUTING_TENANT_WEBHOOKS: z.string().optional(),
  ROUTING_TENANT_WEBHOOKS_FILE: z.string().optional(),
  /** One receiver of every tenant's hints (single-tenant deployments). Unset = no webhook. */
  ROUTING_WEBHOOK_URL: webhookUrl.optional().or(z.literal('').transform(() => undefined)),
  /**
   * Whose hints ROUTING_WEBHOOK_URL receives: one tenant, or `*` for every tenant's. Required in
   * production: onboarding a second tenant sent its hints to the first tenant's receiver.
   */
  ROUTING_WEBHOOK_TENANT: z
    .string()
    .regex(/^(\*|[\w.-]{1,64})$/, { error: 'must be a tenant id, or * for every tenant' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** HMAC-SHA256 key of X-VA-Signature; required with a URL. */
  ROUTING_WEBHOOK_SECRET: z.string().optional(),
  /** The receiver's previous key while it is rotated: deliveries carry a signature with each. */
  ROUTING_WEBHOOK_PREVIOUS_SECRET: z.string().optional(),
  ROUTING_WEBHOOK_MAX_ATTEMPTS: intVar({ min: 1, max: 20, def: 5 }),
  ROUTING_WEBHOOK_BACKOFF_MS: intVar({ min: 1, max: 60_000, def: 500 }),
  ROUTING_WEBHOOK_MAX_BACKOFF_MS: intVar({ min: 1, max: 600_000, def: 30_000 }),
  ROUTING_WEBHOOK_TIMEOUT_MS: intVar({ min: 100, max: 60_000, def: 2_000 }),
  ROUTING_WEBHOOK_QUEUE_MAX: intVar({ min: 1, max: 1_000_000, def: 10_000 }),
  ROUTING_WEBHOOK_CONCURRENCY: intVar({ min: 1, max: 64, def: 4 }),
});

export type RoutingServiceConfig = z.infer<typeof routingServiceEnv> & {
  runMode: RunMode;
  topicReplication: TopicReplication;
  /** The service-token key for the history route; undefined without ROUTING_HISTORY_URL. */
  serviceKey: string | undefined;
  /** Webhook receivers by tenant (`*`: every tenant's hints); empty: the topic only. */
  webhookTargets: WebhookTargets;
  /** Logged at start: what production allowed by an override. */
  warnings: string[];
};

export function loadRoutingServiceConfig(
  env: Record<string, string | undefined> = process.env,
): RoutingServiceConfig {
  const runMode = runModeOf(env);
  const loaded = loadConfig(routingServiceEnv, env);
  const topics = resolveTopicReplication(loaded, runMode);
  const problems = [...topics.problems];
  if (loaded.ROUTING_WEBHOOK_MAX_BACKOFF_MS < loaded.ROUTING_WEBHOOK_BACKOFF_MS)
    problems.push(
      `ROUTING_WEBHOOK_MAX_BACKOFF_MS: must be >= ROUTING_WEBHOOK_BACKOFF_MS (${loaded.ROUTING_WEBHOOK_BACKOFF_MS}; got ${loaded.ROUTING_WEBHOOK_MAX_BACKOFF_MS})`,
    );
  if (loaded.ROUTING_WEBHOOK_URL) {
    if (!loaded.ROUTING_WEBHOOK_SECRET || loaded.ROUTING_WEBHOOK_SECRET.length < 32)
      problems.push('ROUTING_WEBHOOK_SECRET: required with ROUTING_WEBHOOK_URL, at least 32 characters');
    else
      problems.push(
        ...singleKeyProblems(loaded, 'ROUTING_WEBHOOK_SECRET', loaded.ROUTING_WEBHOOK_SECRET, runMode),
      );
    if (runMode === 'production' && new URL(loaded.ROUTING_WEBHOOK_URL).protocol === 'http:')
      problems.push('ROUTING_WEBHOOK_URL: https required in production (hints carry customer pseudonyms)');
    problems.push(...webhookPreviousKeyProblems(loaded, runMode));
  }
  const production = runMode === 'production';
  // The page-token key signs any tenant's admin token: production keeps it out of this service.
  if (production && loaded.JWT_SECRET)
    problems.push(
      'JWT_SECRET: not for the routing service in production (it signs page tokens); set SERVICE_TOKEN_SECRET',
    );
  const key = serviceKeyOf(
    loaded.SERVICE_TOKEN_SECRET,
    production ? undefined : loaded.JWT_SECRET,
    production,
  );
  problems.push(...key.problems);
  if (loaded.ROUTING_HISTORY_URL && key.value === undefined)
    problems.push(
      `SERVICE_TOKEN_SECRET: required with ROUTING_HISTORY_URL, the same value as the call store's${production ? '' : ' (outside production JWT_SECRET is accepted instead)'}`,
    );
  else if (loaded.ROUTING_HISTORY_URL && key.variable === 'JWT_SECRET' && key.value!.length < 32)
    problems.push('JWT_SECRET: must be at least 32 characters');
  const webhooks = webhookTargetsOf(loaded, production);
  problems.push(...webhooks.problems);
  const historyUrl = checkHistoryUrl({
    variable: 'ROUTING_HISTORY_URL',
    url: loaded.ROUTING_HISTORY_URL,
    allowPlaintext: loaded.ROUTING_HISTORY_ALLOW_PLAINTEXT,
    production,
  });
  problems.push(...historyUrl.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...loaded,
    runMode,
    topicReplication: topics.replication,
    serviceKey: loaded.ROUTING_HISTORY_URL ? key.value : undefined,
    webhookTargets: webhooks.targets,
    warnings: historyUrl.warnings,
  };
}

/**
 * A key of the one receiver of every tenant's hints: no published or placeholder key in
 * production, and the receiver (often a third party) must hold no key that signs anything else.
 */
function singleKeyProblems(
  loaded: z.infer<typeof routingServiceEnv>,
  variable: string,
  key: string,
  runMode: RunMode,
): string[] {
  return webhookKeyProblems(variable, key, {
    production: runMode === 'production',
    reservedKeys: { SERVICE_TOKEN_SECRET: loaded.SERVICE_TOKEN_SECRET, JWT_SECRET: loaded.JWT_SECRET },
  });
}

/** ROUTING_WEBHOOK_PREVIOUS_SECRET beside ROUTING_WEBHOOK_URL: the same rules as the key itself. */
function webhookPreviousKeyProblems(loaded: z.infer<typeof routingServiceEnv>, runMode: RunMode): string[] {
  return previousKeyProblems({
    variable: 'ROUTING_WEBHOOK_PREVIOUS_SECRET',
    value: loaded.ROUTING_WEBHOOK_PREVIOUS_SECRET,
    current: { variable: 'ROUTING_WEBHOOK_SECRET', value: loaded.ROUTING_WEBHOOK_SECRET },
    production: runMode === 'production',
    reservedKeys: { SERVICE_TOKEN_SECRET: loaded.SERVICE_TOKEN_SECRET, JWT_SECRET: loaded.JWT_SECRET },
  });
}

/** The receivers: per tenant, or ROUTING_WEBHOOK_URL for every tenant (checked above), or none. */
function webhookTargetsOf(
  loaded: z.infer<typeof routingServiceEnv>,
  production: boolean,
): { targets: WebhookTargets; problems: string[] } {
  const variable = loaded.ROUTING_TENANT_WEBHOOKS_FILE
    ? 'ROUTING_TENANT_WEBHOOKS_FILE'
    : loaded.ROUTING_TENANT_WEBHOOKS
      ? 'ROUTING_TENANT_WEBHOOKS'
      : null;
  // A key with no receiver of its own is a half-done setup: said, not ignored.
  const strayKey = (['ROUTING_WEBHOOK_SECRET', 'ROUTING_WEBHOOK_PREVIOUS_SECRET'] as const)
    .filter((name) => loaded[name] && !loaded.ROUTING_WEBHOOK_URL)
    .map(
      (name) =>
        `${name}: unset it, or set ROUTING_WEBHOOK_URL${variable ? ` (${variable} holds each tenant's key)` : ''}`,
    );
  if (variable === null) {
    const { ROUTING_WEBHOOK_URL: url, ROUTING_WEBHOOK_SECRET: secret } = loaded;
    const previousSecret = loaded.ROUTING_WEBHOOK_PREVIOUS_SECRET;
    const target = { url: url!, secret: secret!, ...(previousSecret ? { previousSecret } : {}) };
    const tenant = loaded.ROUTING_WEBHOOK_TENANT;
    const problems = [...strayKey];
    if (url && tenant === undefined && production)
      problems.push(
        'ROUTING_WEBHOOK_TENANT: required with ROUTING_WEBHOOK_URL in production: the tenant whose hints it receives, or * for every tenant (with several tenants, give each its receiver in ROUTING_TENANT_WEBHOOKS)',
      );
    if (tenant !== undefined && !url)
      problems.push('ROUTING_WEBHOOK_TENANT: unset it, or set ROUTING_WEBHOOK_URL');
    return {
      targets: new Map(url && secret ? [[tenant ?? EVERY_TENANT, target]] : []),
      problems,
    };
  }
  if (strayKey.length > 0) return { targets: new Map(), problems: strayKey };
  if (loaded.ROUTING_TENANT_WEBHOOKS_FILE && loaded.ROUTING_TENANT_WEBHOOKS)
    return {
      targets: new Map(),
      problems: ['ROUTING_TENANT_WEBHOOKS: set it or ROUTING_TENANT_WEBHOOKS_FILE, not both'],
    };
  // One receiver for every tenant beside per-tenant ones would send each tenant's hints to both.
  if (loaded.ROUTING_WEBHOOK_URL)
    return {
      targets: new Map(),
      problems: [
        `ROUTING_WEBHOOK_URL: unset it with ${variable} (it would receive every tenant's hints as well)`,
      ],
    };
  const text =
    variable === 'ROUTING_TENANT_WEBHOOKS_FILE'
      ? readConfigFile(variable, loaded.ROUTING_TENANT_WEBHOOKS_FILE as string)
      : (loaded.ROUTING_TENANT_WEBHOOKS as string);
  return parseTenantWebhooks(text, variable, {
    production,
    reservedKeys: { SERVICE_TOKEN_SECRET: loaded.SERVICE_TOKEN_SECRET, JWT_SECRET: loaded.JWT_SECRET },
  });
}
