// Each tenant's customer-reference keys (CUSTOMER_REF_KEYS / CUSTOMER_REF_KEYS_FILE): the current
// one, which makes every new pseudonym, and during a key rotation the previous one, whose
// pseudonym travels with the call's start so the store moves the customer's history over
// (SECURITY.md "Rotating secrets"). The previous key is marked, `tenant:previous=key`, never
// told by position: a new key appended after the old one (as tokens are) would otherwise have
// left the leaked key current. Problems name entries by position, never by text. Pure.
import { ConfigError } from '../shared/config.ts';
import { configEntries } from '../shared/config-entries.ts';
import { MIN_TOKEN_LENGTH } from './auth.ts';

export interface CustomerRefKeys {
  /** Makes the pseudonym every call carries. */
  current: string;
  /** While rotating: the key whose pseudonym the store relinks to the current one; else null. */
  previous: string | null;
}

/** Marks the previous key's entry: `acme:previous=…` (':' is never part of a tenant name). */
export const PREVIOUS_KEY_SUFFIX = ':previous';

const TENANT = /^[\w.-]{1,64}$/;

/**
 * `tenant=key` and, while rotating, `tenant:previous=key` entries (lines, commas or a JSON object):
 * at most one of each per tenant, so never more than two keys. A key is never reused by another
 * entry (one key for two tenants, or as both keys of one, hides nothing from the other).
 */
export function parseCustomerRefKeys(text: string, variable: string): Map<string, CustomerRefKeys> {
  const current = new Map<string, string>();
  const previous = new Map<string, string>();
  const entryOfName = new Map<string, number>();
  const entryOfKey = new Map<string, number>();
  const entries = configEntries(text, variable, 'tenant=key');
  entries.forEach(([name, key], i) => {
    const entry = `${variable}: entry ${i + 1} of ${entries.length} (tenant=key)`;
    if (typeof key !== 'string') throw new ConfigError([`${entry}: the key is not a string`]);
    const isPrevious = name.endsWith(PREVIOUS_KEY_SUFFIX);
    const tenant = isPrevious ? name.slice(0, -PREVIOUS_KEY_SUFFIX.length) : name;
    if (!TENANT.test(tenant))
      throw new ConfigError([
        `${entry}: the tenant name is not [A-Za-z0-9_.-]{1,64} (with ${PREVIOUS_KEY_SUFFIX} for a previous key)`,
      ]);
    if (key.length < MIN_TOKEN_LENGTH)
      throw new ConfigError([`${entry}: the key is shorter than ${MIN_TOKEN_LENGTH} characters`]);
    const same = entryOfName.get(name);
    if (same !== undefined)
      throw new ConfigError([
        isPrevious
          ? `${entry}: names the same previous key as entry ${same + 1} (a tenant has one current and at most one previous key)`
          : // Not named: an entry written the wrong way round would print its key as the tenant.
            `${entry}: names the same tenant as entry ${same + 1}: while rotating, mark the old key <tenant>${PREVIOUS_KEY_SUFFIX}=… (the unmarked one is current)`,
      ]);
    const sameKey = entryOfKey.get(key);
    if (sameKey !== undefined) throw new ConfigError([`${entry}: has the same key as entry ${sameKey + 1}`]);
    (isPrevious ? previous : current).set(tenant, key);
    entryOfName.set(name, i);
    entryOfKey.set(key, i);
  });
  const keys = new Map<string, CustomerRefKeys>();
  for (const [tenant, key] of current)
    keys.set(tenant, { current: key, previous: previous.get(tenant) ?? null });
  const orphan = [...previous.keys()].find((tenant) => !current.has(tenant));
  if (orphan !== undefined)
    throw new ConfigError([
      `${variable}: entry ${(entryOfName.get(orphan + PREVIOUS_KEY_SUFFIX) ?? 0) + 1} of ${entries.length} (tenant=key): a previous key without a current key for its tenant`,
    ]);
  if (keys.size === 0) throw new ConfigError([`${variable}: no tenant keys`]);
  return keys;
}
