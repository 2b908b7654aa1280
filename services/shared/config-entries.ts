// The entries of a list-valued variable or file: a JSON object's (key, value) pairs, or
// `key=value` items one a line or comma-separated (blank lines and # comments skipped). Callers
// validate keys and values. Pure; errors are ConfigError naming the variable, never the values.
import { ConfigError } from './config.ts';

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
