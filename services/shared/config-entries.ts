// The entries of a list-valued variable or file: a JSON object's (key, value) pairs, or
// `key=value` items one a line or comma-separated (blank lines and # comments skipped), and each
// entry checked against its schema. Pure; errors are ConfigError naming the variable, never the
// values.
import type { z } from 'zod';
import { ConfigError } from './config.ts';

/** A variable that must hold a JSON object (`{id: {…}, …}`, described by `shape`): its entries. */
export function jsonObjectEntries(text: string, variable: string, shape: string): [string, unknown][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError([`${variable}: not valid JSON`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError([`${variable}: must be a JSON object ${shape}`]);
  return Object.entries(parsed);
}

/**
 * One entry checked against its schema, or undefined with one problem per issue added to
 * `problems`. Messages name the field (`rootName` for the entry itself), never the value: a
 * secret must not reach a log.
 */
export function checkedEntry<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  where: string,
  rootName: string,
  problems: string[],
): T | undefined {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues)
    problems.push(`${where}: ${issue.path.join('.') || rootName} ${issue.message}`);
  return undefined;
}

export function configEntries(text: string, variable: string, itemShape: string): [string, unknown][] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ConfigError([`${variable}: not valid JSON`]);
    }
    return Object.entries(parsed as Record<string, unknown>);
  }
  const entries: [string, unknown][] = [];
  for (const item of trimmed
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))) {
    const at = item.indexOf('=');
    if (at <= 0) throw new ConfigError([`${variable}: entries must be ${itemShape}`]);
    entries.push([item.slice(0, at).trim(), item.slice(at + 1).trim()]);
  }
  return entries;
}
