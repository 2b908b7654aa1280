// Shared by the rule-file fuzz tests: every path into a parsed file, and a copy of it with one
// value replaced (or a key, possibly a prototype name, added beside it), so a mutation can land
// anywhere in the file. Pure.

/** Every path to a value of `value`. */
export function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
}

export function withReplaced(
  parsed: unknown,
  path: (string | number)[],
  key: string | null,
  value: unknown,
): unknown {
  const copy = structuredClone(parsed) as Record<string | number, unknown>;
  if (path.length === 0) return value;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  // Either replace the value at the path or add a sibling key (an unknown or prototype name).
  if (key !== null && typeof parent[last] === 'object' && parent[last] !== null) {
    Object.defineProperty(parent[last], key, { value, enumerable: true, configurable: true, writable: true });
  } else parent[last] = value;
  return copy;
}
