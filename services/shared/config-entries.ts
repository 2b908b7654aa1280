// The entries of a list-valued variable or file: a JSON object's (key, value) pairs (one naming an
// entry twice is refused), or `key=value` items one a line or comma-separated (blank lines and #
// comments skipped), and each entry checked against its schema. Pure; errors are ConfigError
// naming the variable and positions, never the names or values.
import type { z } from 'zod';
import { ConfigError } from './config.ts';

/**
 * The names of a JSON object's own entries as written, repeats included (JSON.parse keeps the last
 * of a repeated name and says nothing: `{"acme": "<new>", "acme": "<old>"}` made the old key
 * current, review). `text` is valid JSON (parsed before); names of nested objects are skipped.
 */
export function topLevelNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const start = at;
      for (at++; text[at] !== '"'; at++) if (text[at] === '\\') at++;
      let next = at + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      if (depth === 1 && text[next] === ':') names.push(JSON.parse(text.slice(start, at + 1)) as string);
    }
  }
  return names;
}

/**
 * The position (1-based) of the top-level entry holding a nested object that names a field twice,
 * or null: `{"src": {"tenant": "acme", "secret": "…", "tenant": "beta"}}` kept the last tenant too.
 * `text` is valid JSON.
 */
export function nestedRepeat(text: string): number | null {
  const objects: (Set<string> | null)[] = [];
  let entry = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '{') objects.push(new Set());
    else if (char === '[') objects.push(null);
    else if (char === '}' || char === ']') objects.pop();
    else if (char === '"') {
      const start = at;
      for (at++; text[at] !== '"'; at++) if (text[at] === '\\') at++;
      let next = at + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      if (text[next] !== ':') continue;
      if (objects.length === 1) entry++;
      const names = objects[objects.length - 1];
      const name = JSON.parse(text.slice(start, at + 1)) as string;
      if (objects.length > 1 && names) {
        if (names.has(name)) return entry;
        names.add(name);
      }
    }
  }
  return null;
}

/** Refuses an object that names an entry twice, by the entries' positions (never their names). */
function refuseRepeatedNames(text: string, variable: string): void {
  const names = topLevelNames(text);
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const same = first.get(name);
    if (same !== undefined)
      throw new ConfigError([
        `${variable}: entry ${i + 1} of ${names.length}: has the same name as entry ${same + 1} (JSON keeps only the last: write each once)`,
      ]);
    first.set(name, i);
  });
  const nested = nestedRepeat(text);
  if (nested !== null)
    throw new ConfigError([
      `${variable}: entry ${nested} of ${names.length}: names a field twice (JSON keeps only the last: write each once)`,
    ]);
}

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
  refuseRepeatedNames(text, variable);
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
    refuseRepeatedNames(trimmed, variable);
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
