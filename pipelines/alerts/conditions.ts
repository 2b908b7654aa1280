// Evaluates a rule's condition tree on one observation and the recent history of its stream, and
// explains what matched in plain words. Pure, no I/O.
import { formatValue, METRICS } from './metrics.ts';
import type { Condition, Observation } from './types.ts';

/** Start/end audio times of an observation's window. */
export function spanOf(obs: Observation): { startMs: number; endMs: number; windowIndex: number } {
  const w = obs.source === 'emotion' ? obs.event : obs.window;
  return { startMs: w.startMs, endMs: w.endMs, windowIndex: w.windowIndex };
}

/**
 * True when the condition holds. `history` holds earlier observations of the same stream, oldest
 * first, newest last, NOT including `obs`. Matched leaves append their evidence to `evidence`.
 */
export function evaluate(
  cond: Condition,
  obs: Observation,
  history: readonly Observation[],
  evidence: string[],
): boolean {
  if ('all' in cond) {
    const mark = evidence.length;
    for (const c of cond.all) {
      if (!evaluate(c, obs, history, evidence)) {
        evidence.length = mark;
        return false;
      }
    }
    return true;
  }
  if ('any' in cond) {
    for (const c of cond.any) if (evaluate(c, obs, history, evidence)) return true;
    return false;
  }
  if ('not' in cond) return !evaluate(cond.not, obs, history, []);
  if ('state' in cond) {
    if (obs.source !== 'emotion') return false;
    const ok = cond.state.includes(obs.event.state);
    if (ok) evidence.push(`state ${obs.event.state}`);
    return ok;
  }
  const def = METRICS[cond.metric];
  const value = def.read(obs);
  if (Number.isNaN(value)) return false;
  const unit = def.unit;
  if ('sumGte' in cond) {
    const total = windowedSum(cond.metric, obs, history, cond.withinMs);
    const ok = total >= cond.sumGte;
    if (ok) {
      const shown = Number.isInteger(total) ? String(total) : formatValue(total);
      evidence.push(`${shown} ${def.label} in ${Math.round(cond.withinMs / 1000)} s`);
    }
    return ok;
  }
  if ('withinMs' in cond) {
    const { endMs } = spanOf(obs);
    let extreme = value;
    for (let i = history.length - 1; i >= 0; i -= 1) {
      const past = history[i];
      if (spanOf(past).endMs < endMs - cond.withinMs) break;
      const v = def.read(past);
      if (Number.isNaN(v)) continue;
      extreme = cond.dropBy !== undefined ? Math.max(extreme, v) : Math.min(extreme, v);
    }
    const moved = cond.dropBy !== undefined ? extreme - value : value - extreme;
    const need = cond.dropBy ?? cond.riseBy ?? Infinity;
    const ok = moved >= need;
    if (ok) {
      evidence.push(
        `${def.label} ${formatValue(extreme, unit)} → ${formatValue(value, unit)} within ${Math.round(cond.withinMs / 1000)} s`,
      );
    }
    return ok;
  }
  const ok =
    (cond.gt === undefined || value > cond.gt) &&
    (cond.gte === undefined || value >= cond.gte) &&
    (cond.lt === undefined || value < cond.lt) &&
    (cond.lte === undefined || value <= cond.lte);
  if (ok) evidence.push(`${def.label} ${formatValue(value, unit)}`);
  return ok;
}

/**
 * Sums a metric over non-overlapping windows ending within the lookback, newest first, so an
 * event counted by two overlapping windows (2 s window, 1 s hop) is counted once.
 */
function windowedSum(
  metric: string,
  obs: Observation,
  history: readonly Observation[],
  withinMs: number,
): number {
  const def = METRICS[metric];
  const newest = spanOf(obs);
  let total = def.read(obs);
  let takenStart = newest.startMs;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const span = spanOf(history[i]);
    if (span.endMs <= newest.endMs - withinMs) break;
    if (span.endMs > takenStart) continue;
    const v = def.read(history[i]);
    if (!Number.isNaN(v)) total += v;
    takenStart = span.startMs;
  }
  return total;
}

/** Metric names used anywhere in a condition tree. */
export function metricsOf(cond: Condition, out: string[] = []): string[] {
  if ('all' in cond) cond.all.forEach((c) => metricsOf(c, out));
  else if ('any' in cond) cond.any.forEach((c) => metricsOf(c, out));
  else if ('not' in cond) metricsOf(cond.not, out);
  else if ('metric' in cond) out.push(cond.metric);
  return out;
}

/** Whether the tree has a `state` leaf (which reads the emotion stream). */
export function usesState(cond: Condition): boolean {
  if ('all' in cond) return cond.all.some(usesState);
  if ('any' in cond) return cond.any.some(usesState);
  if ('not' in cond) return usesState(cond.not);
  return 'state' in cond;
}

/** Longest lookback (`withinMs`) in a condition tree. */
export function lookbackOf(cond: Condition): number {
  if ('all' in cond) return Math.max(0, ...cond.all.map(lookbackOf));
  if ('any' in cond) return Math.max(0, ...cond.any.map(lookbackOf));
  if ('not' in cond) return lookbackOf(cond.not);
  return 'withinMs' in cond ? cond.withinMs : 0;
}
