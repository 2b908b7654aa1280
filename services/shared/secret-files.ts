// `X_FILE` for every secret setting X: the value is read from the file the variable names, as
// Docker and Kubernetes mount secrets (a file under /run/secrets), so a key need not sit in the
// process environment, where `ps e`, /proc/<pid>/environ, crash dumps and `kubectl describe` show
// it. Settings whose schema declares its own `X_FILE` (TENANT_TOKENS_FILE, KAFKA_SASL_PASSWORD_FILE,
// …) read it themselves. I/O: reads the named files.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Whether a setting holds a secret, by its name: keys, tokens, passwords and connection strings.
 * A `*_FILE` setting names the file that holds one (a path, no secret); `*_TTL_S` is a duration
 * (`TOKEN_TTL_S` was shown as "(hidden)").
 */
export function isSecretSetting(name: string): boolean {
  if (SECRET_BEARING.has(name)) return true;
  return /TOKEN|SECRET|PASSWORD|KEY|CREDENTIAL|DATABASE_URL|DSN/i.test(name) && !/_FILE$|_TTL_S$/i.test(name);
}

/** Settings whose value holds secrets among other fields, whatever their name says (review). */
const SECRET_BEARING = new Set([
  'AUDIOHOOK_ORGS', // each organisation's API key and client secret
  'TWILIO_ACCOUNTS', // each account's auth token
  'ROUTING_TENANT_WEBHOOKS', // each tenant's webhook signing key
]);

/** The secret settings of a schema that take an `X_FILE` here (those without their own). */
export function secretFileSettings(schema: z.ZodType): string[] {
  const names = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const declared = new Set(names);
  return names.filter((name) => isSecretSetting(name) && !declared.has(`${name}_FILE`));
}

/**
 * `env` with each `X_FILE` of the schema's secret settings read into X (surrounding white space
 * trimmed: `echo key > file` ends in a newline). Problems (both set, an unreadable or empty file)
 * name the variable and the path, never the content; their variables are left as they were.
 */
export function withSecretFiles(
  schema: z.ZodType,
  env: Record<string, string | undefined>,
): { env: Record<string, string | undefined>; problems: string[] } {
  const problems: string[] = [];
  let resolved = env;
  for (const name of secretFileSettings(schema)) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}, ${name}_FILE: set one, not both`);
      continue;
    }
    let value: string;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (error) {
      problems.push(`${name}_FILE: cannot read file "${path}" (${(error as NodeJS.ErrnoException).code})`);
      continue;
    }
    if (value === '') {
      problems.push(`${name}_FILE: file "${path}" is empty`);
      continue;
    }
    // The file's variable is dropped, so that reading the result again changes nothing.
    resolved = { ...resolved, [name]: value, [`${name}_FILE`]: undefined };
  }
  return { env: resolved, problems };
}

/**
 * `env` with the secret files read, for the loaders whose production checks read the raw
 * variables before `loadConfig` (which reports the problems, left in place here).
 */
export function resolveSecretFiles(
  schema: z.ZodType,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return withSecretFiles(schema, env).env;
}

/**
 * One secret setting outside a service's schema (the `analyze` command's store, the CSAT report):
 * `name`, or the content of the file `name_FILE` names; undefined when neither is set. Throws a
 * problem line (naming the variable and the path, never the content) for both set or a bad file.
 */
export function secretSetting(env: Record<string, string | undefined>, name: string): string | undefined {
  const resolved = withSecretFiles(z.object({ [name]: z.string().optional() }), env);
  if (resolved.problems.length > 0) throw new Error(resolved.problems.join('; '));
  return resolved.env[name]?.trim() || undefined;
}
