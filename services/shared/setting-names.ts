// The environment variables a service reads (its zod schemas, the Kafka TLS/SASL settings and
// the few read outside a schema), and the variables of an environment that look like a misspelt
// one of them: a setting whose name is off by a letter or two (WINDOW_MSS) or cut short
// (DSP_GROUP for DSP_GROUP_ID) was ignored without a word and the service ran on its default.
// Pure.
import type { z } from 'zod';
import { kafkaSecurityEnv } from './kafka-security.ts';
import { secretFileSettings } from './secret-files.ts';

/** Read outside the schemas: the run mode (run-mode.ts) and the proto folder (proto-root.ts). */
export const PROCESS_ENV = ['VA_MODE', 'NODE_ENV', 'VA_PROTO_DIR'] as const;

/** Every variable a service with these schemas reads. */
export function settingNames(...schemas: z.ZodObject[]): Set<string> {
  return new Set<string>([
    ...PROCESS_ENV,
    ...Object.keys(kafkaSecurityEnv),
    ...schemas.flatMap((schema) => Object.keys(schema.shape)),
    ...schemas.flatMap((schema) => secretFileSettings(schema).map((name) => `${name}_FILE`)),
  ]);
}

/** Shorter names match too much by accident (PORT, HOST). */
const MIN_NAME_LENGTH = 6;

/** Edits (insert, delete, substitute, swap two neighbours) from a to b, up to `limit` + 1. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      current.push(d);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length];
}

/** The setting `name` was probably meant to be, if any. */
function meant(name: string, known: ReadonlySet<string>): string | undefined {
  if (name.length < MIN_NAME_LENGTH) return undefined;
  for (const setting of known) {
    if (setting.length < MIN_NAME_LENGTH) continue;
    if (editDistance(name, setting, 2) <= 2) return setting;
    const [shorter, longer] = name.length < setting.length ? [name, setting] : [setting, name];
    if (longer.startsWith(`${shorter}_`)) return setting;
  }
  return undefined;
}

/**
 * Variables of Node, OpenSSL and the usual container environments, never a misspelt setting:
 * `SSL_CERT_FILE` (OpenSSL's CA bundle, set on many hosts) was reported as "did you mean
 * TLS_CERT_FILE?" at every gateway start.
 */
const FOREIGN = new Set([
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'NODE_ENV',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'HOSTNAME',
  'HOME',
  'PATH',
  'TZ',
  'LANG',
]);

/** One warning per variable of `env` that is not a setting but looks like a misspelt one. */
export function misspeltSettings(
  service: string,
  known: ReadonlySet<string>,
  env: Record<string, string | undefined>,
): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (known.has(name) || FOREIGN.has(name) || !/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
    const setting = meant(name, known);
    if (setting)
      warnings.push(`${name} is not a setting of ${service} (did you mean ${setting}?); it is ignored`);
  }
  return warnings;
}
