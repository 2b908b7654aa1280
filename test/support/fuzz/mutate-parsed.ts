// Shared by the rule-file fuzz tests: every path into a parsed file, and a copy of it with one
// value replaced (or a key, possibly a prototype name, added beside it), so a mutation can land
// anywhere in the file; the same file's text spliced. Pure.
import fc from 'fast-check';
import { afterAll, beforeAll, vi } from 'vitest';

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

/**
 * The parsed file with one value replaced anywhere, or a key (`keys`, a prototype name, any string)
 * added beside it. The few mutations that cannot be built at all (an array's `length` set to a
 * string) are skipped, so a failure is always the loader's.
 */
export function oneValueReplaced(parsed: unknown, keys: string[], nasty: unknown[]): fc.Arbitrary<unknown> {
  const replacement = fc.oneof(
    fc.constantFrom(...nasty),
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({ maxDepth: 2 }),
  );
  return fc
    .tuple(
      fc.constantFrom(...paths(parsed)),
      fc.option(fc.oneof(fc.constantFrom(...keys), fc.string())),
      replacement,
    )
    .map(([path, key, value]) => {
      try {
        return { input: withReplaced(parsed, path, key, value) };
      } catch {
        return null;
      }
    })
    .filter((built) => built !== null)
    .map((built) => built!.input);
}

/** Random strings, JSON, and the file's text with a slice cut out and YAML-ish text spliced in. */
export function splicedText(text: string, inserts: string[]): fc.Arbitrary<string> {
  const spliced = fc
    .tuple(
      fc.nat(text.length),
      fc.nat(40),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('\n  - ', ': [', '{', '&a x', '*a', '"', '\t', ...inserts),
      ),
    )
    .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));
  return fc.oneof(spliced, fc.string({ maxLength: 200 }), fc.json());
}

/** yaml reports unknown directives and tags through process.emitWarning: thousands of lines in a fuzz run. */
export function quietYamlWarnings(): void {
  beforeAll(() => void vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined));
  afterAll(() => vi.restoreAllMocks());
}
