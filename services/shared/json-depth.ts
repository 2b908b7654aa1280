// How deep a parsed JSON value nests. JSON.parse accepts a body nested 30 000 deep within a
// 64 KB limit; every recursive walk after it (validation, NUL checks) would overflow the stack,
// and none of the product's bodies nests more than a few levels. Iterative. Pure.

/** Whether `value` has arrays or objects nested more than `maxDepth` levels (the root is 1). */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (!next.value || typeof next.value !== 'object') continue;
    if (next.depth > maxDepth) return true;
    for (const inner of Object.values(next.value)) pending.push({ value: inner, depth: next.depth + 1 });
  }
  return false;
}
