// Finds a condition that can never hold: a threshold outside its metric's range (`arousal ≥ 7`:
// arousal is 0..1), an empty interval (`loudness > 0 and < -100`), or a change larger than the
// metric's whole range. Such a rule was accepted and never fired, and nothing told the admin who
// wrote it (admin probe). Pure, no I/O.
import { metricOf } from './metrics.ts';
import type { ChangeCondition, Condition, ThresholdCondition } from './types.ts';

export interface ImpossibleCondition {
  /** Keys and indexes from the condition's root to the offending part. */
  path: (string | number)[];
  why: string;
}

const RANGE_WORDS = (name: string, range: readonly [number, number]) => `${name} is ${range[0]}..${range[1]}`;

interface Bound {
  value: number;
  strict: boolean;
  key: keyof ThresholdCondition;
}

function lowerOf(c: ThresholdCondition): Bound | null {
  const bounds: Bound[] = [];
  if (c.gt !== undefined) bounds.push({ value: c.gt, strict: true, key: 'gt' });
  if (c.gte !== undefined) bounds.push({ value: c.gte, strict: false, key: 'gte' });
  // The tighter bound decides: the larger value, strict on a tie.
  return bounds.reduce<Bound | null>(
    (a, b) => (!a || b.value > a.value || (b.value === a.value && b.strict) ? b : a),
    null,
  );
}

function upperOf(c: ThresholdCondition): Bound | null {
  const bounds: Bound[] = [];
  if (c.lt !== undefined) bounds.push({ value: c.lt, strict: true, key: 'lt' });
  if (c.lte !== undefined) bounds.push({ value: c.lte, strict: false, key: 'lte' });
  return bounds.reduce<Bound | null>(
    (a, b) => (!a || b.value < a.value || (b.value === a.value && b.strict) ? b : a),
    null,
  );
}

function impossibleThreshold(c: ThresholdCondition): ImpossibleCondition | null {
  const lower = lowerOf(c);
  const upper = upperOf(c);
  if (
    lower &&
    upper &&
    (lower.value > upper.value || (lower.value === upper.value && (lower.strict || upper.strict)))
  )
    return {
      path: [],
      why: `no ${c.metric} is both ${lower.key} ${lower.value} and ${upper.key} ${upper.value}`,
    };
  const range = metricOf(c.metric)?.range;
  if (!range) return null;
  const [min, max] = range;
  if (lower && (lower.value > max || (lower.value === max && lower.strict)))
    return {
      path: [lower.key],
      why: `${lower.key} ${lower.value} is out of range (${RANGE_WORDS(c.metric, range)})`,
    };
  if (upper && (upper.value < min || (upper.value === min && upper.strict)))
    return {
      path: [upper.key],
      why: `${upper.key} ${upper.value} is out of range (${RANGE_WORDS(c.metric, range)})`,
    };
  return null;
}

function impossibleChange(c: ChangeCondition): ImpossibleCondition | null {
  const range = metricOf(c.metric)?.range;
  const by = c.dropBy ?? c.riseBy;
  if (!range || by === undefined || by <= range[1] - range[0]) return null;
  const key = c.dropBy !== undefined ? 'dropBy' : 'riseBy';
  return { path: [key], why: `${key} ${by} is more than the whole range (${RANGE_WORDS(c.metric, range)})` };
}

/** The first part of the tree that can never hold, or null. */
export function impossibleCondition(c: Condition): ImpossibleCondition | null {
  const within = (key: string, parts: Condition[]): ImpossibleCondition | null => {
    for (const [i, part] of parts.entries()) {
      const found = impossibleCondition(part);
      if (found) return { path: [key, i, ...found.path], why: found.why };
    }
    return null;
  };
  if ('all' in c) return within('all', c.all);
  if ('any' in c) return within('any', c.any);
  if ('not' in c) {
    const found = impossibleCondition(c.not);
    return found && { path: ['not', ...found.path], why: found.why };
  }
  if ('state' in c || 'sumGte' in c) return null;
  if ('dropBy' in c || 'riseBy' in c) return impossibleChange(c as ChangeCondition);
  return impossibleThreshold(c);
}
