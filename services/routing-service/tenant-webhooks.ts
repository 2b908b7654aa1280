// Where routing hints are delivered: one receiver per tenant (ROUTING_TENANT_WEBHOOKS, a JSON
// object `{"<tenant>": {"url": "https://…", "secret": "…", "previousSecret": "…"}}`, the last
// only while the receiver's key is rotated, or the same in ROUTING_TENANT_WEBHOOKS_FILE), so a tenant's router never receives another tenant's hints; or
// one receiver for every tenant (ROUTING_WEBHOOK_URL, single-tenant deployments). Hints of a tenant
// without a receiver stay on the topic only. Pure; problems name the variable and the tenant, never
// a URL or a key (a URL may carry credentials).
import { z } from 'zod';
import { checkedEntry, jsonObjectEntries } from '../shared/config-entries.ts';
import { secretProblems } from '../shared/secret-policy.ts';

export interface WebhookTarget {
  url: string;
  secret: string;
  /** The key the receiver may still verify with during a rotation: deliveries are signed with both. */
  previousSecret?: string;
}

/** Tenant name → its receiver; the key `*` (ROUTING_WEBHOOK_URL) receives every tenant's hints. */
export type WebhookTargets = ReadonlyMap<string, WebhookTarget>;

export const EVERY_TENANT = '*';

const TENANT = /^[\w.-]{1,64}$/;
const MIN_SECRET_LENGTH = 32;

/**
 * A receiver's address: http(s), and no `user:password@` (fetch refuses such a URL, so every hint
 * was retried as a "network error" and dead-lettered; the signature authenticates the sender).
 */
export const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((url) => !hasCredentials(url), {
    error: 'must not carry user:password@ (the X-VA-Signature header authenticates the sender)',
  });

const webhookKey = z
  .string()
  .min(MIN_SECRET_LENGTH, { error: `must be at least ${MIN_SECRET_LENGTH} characters` });

const entrySchema = z.strictObject({
  url: webhookUrl,
  secret: webhookKey,
  previousSecret: webhookKey.optional(),
});

/**
 * What is wrong with a receiver's key (its current or previous one) beside its length: a published
 * or placeholder key in production, or a key that signs service or page tokens too.
 */
export function webhookKeyProblems(where: string, key: string, options: TenantWebhookOptions): string[] {
  const problems = options.production ? secretProblems(where, key, 'webhook key') : [];
  for (const [reserved, value] of Object.entries(options.reservedKeys))
    if (value !== undefined && value === key)
      problems.push(
        `${where}: the same key as ${reserved}: the receiver could sign service or page tokens; use a key of its own`,
      );
  return problems;
}

export interface TenantWebhookOptions {
  production: boolean;
  /** Keys the receivers must not hold (they sign service or page tokens): variable → value. */
  reservedKeys: Record<string, string | undefined>;
}

/** The receivers of ROUTING_TENANT_WEBHOOKS(_FILE) `text`, with one problem per defect found. */
export function parseTenantWebhooks(
  text: string,
  variable: string,
  options: TenantWebhookOptions,
): { targets: Map<string, WebhookTarget>; problems: string[] } {
  const problems: string[] = [];
  const targets = new Map<string, WebhookTarget>();
  const entries = jsonObjectEntries(text, variable, '{"<tenant>": {"url": …, "secret": …}}');
  if (entries.length === 0) problems.push(`${variable}: no tenants (unset it to send no webhooks)`);
  const owners = new Map<string, string>();
  for (const [tenant, raw] of entries) {
    if (!TENANT.test(tenant)) {
      problems.push(`${variable}: tenant name "${tenant.slice(0, 64)}" is not [A-Za-z0-9_.-]{1,64}`);
      continue;
    }
    const where = `${variable}: tenant "${tenant}"`;
    const target = checkedEntry(entrySchema, raw, where, 'entry', problems);
    if (!target) continue;
    // By the parsed scheme: `HTTP://` is http too.
    if (options.production && new URL(target.url).protocol === 'http:')
      problems.push(`${where}: url must be https in production (hints carry customer pseudonyms)`);
    if (target.previousSecret === target.secret)
      problems.push(`${where}: previousSecret is the secret itself; unset it once the rotation is done`);
    for (const key of new Set([target.secret, target.previousSecret ?? target.secret])) {
      problems.push(...webhookKeyProblems(where, key, options));
      // A receiver holding another receiver's key could forge or read that tenant's deliveries.
      const sharedWith = owners.get(key);
      if (sharedWith !== undefined)
        problems.push(
          `${where}: the same key as tenant "${sharedWith}"; give each receiver a key of its own`,
        );
      owners.set(key, tenant);
    }
    targets.set(tenant, target);
  }
  return { targets, problems };
}

/** Whether a URL carries a user or password (a `@` in its query or path is not one). */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false; // not a URL: the url check above names it
  }
}
