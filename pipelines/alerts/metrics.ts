// The metrics a rule may name, each bound to the stream it comes from, with a reader and the
// plain words used in alert evidence. Pure, no I/O.
import type { Observation, Source } from './types.ts';

export interface MetricDef {
  source: Source;
  /** Plain words for evidence ("customer valence"). */
  label: string;
  unit: string;
  /** The values the metric can take, where bounded: a threshold outside them can never hold. */
  range?: readonly [number, number];
  read(obs: Observation): number;
}

const SHARE = [0, 1] as const;
/** The same metric, declared bounded (probabilities, confidences, shares: 0..1). */
const bounded = (def: MetricDef, range: readonly [number, number] = SHARE): MetricDef => ({ ...def, range });

function emotion(label: string, read: (o: Extract<Observation, { source: 'emotion' }>) => number): MetricDef {
  return { source: 'emotion', label, unit: '', read: (o) => (o.source === 'emotion' ? read(o) : NaN) };
}

function features(
  label: string,
  unit: string,
  read: (o: Extract<Observation, { source: 'features' }>) => number,
): MetricDef {
  return { source: 'features', label, unit, read: (o) => (o.source === 'features' ? read(o) : NaN) };
}

function dynamics(
  label: string,
  unit: string,
  read: (o: Extract<Observation, { source: 'dynamics' }>) => number,
): MetricDef {
  return { source: 'dynamics', label, unit, read: (o) => (o.source === 'dynamics' ? read(o) : NaN) };
}

export const METRICS: Readonly<Record<string, MetricDef>> = {
  arousal: bounded(emotion('arousal', (o) => o.event.arousal)),
  valence: bounded(emotion('valence', (o) => o.event.valence)),
  confidence: bounded(emotion('confidence', (o) => o.event.confidence)),
  arousalConfidence: bounded(emotion('arousal confidence', (o) => o.event.arousalConfidence)),
  valenceConfidence: bounded(emotion('valence confidence', (o) => o.event.valenceConfidence)),
  'prob.neutral': bounded(emotion('probability of neutral', (o) => o.event.probabilities.neutral)),
  'prob.happy': bounded(emotion('probability of happy', (o) => o.event.probabilities.happy)),
  'prob.angry': bounded(emotion('probability of angry', (o) => o.event.probabilities.angry)),
  'prob.sad': bounded(emotion('probability of sad', (o) => o.event.probabilities.sad)),
  'prob.anxious': bounded(emotion('probability of anxious', (o) => o.event.probabilities.anxious)),
  'prob.bored': bounded(emotion('probability of bored', (o) => o.event.probabilities.bored)),
  'prob.disgust': bounded(emotion('probability of disgust', (o) => o.event.probabilities.disgust)),
  tensionIndex: bounded(features('vocal tension', '', (o) => o.window.tensionIndex)),
  tensionRise: bounded(
    features('vocal tension above the call start', '', (o) => o.tensionRise ?? NaN),
    [-1, 1],
  ),
  syllableRate: features('pace', 'syllables/s', (o) => o.window.pace.syllableRate),
  articulationRate: features('pace while speaking', 'syllables/s', (o) => o.window.pace.articulationRate),
  pauseRatio: bounded(features('pause share', '', (o) => o.window.pace.pauseRatio)),
  speechFraction: bounded(features('speech share', '', (o) => o.window.speechFraction)),
  pitchMedianHz: features('median pitch', 'Hz', (o) => o.window.pitch.medianHz),
  pitchRangeSt: features('pitch range', 'st', (o) => o.window.pitch.rangeSt),
  loudnessDbfs: features('loudness', 'dBFS', (o) => o.window.loudness.meanDbfs),
  overtalkCount: dynamics('overtalks', '', (o) => o.window.overtalkCount),
  overtalkMs: dynamics('overtalk', 'ms', (o) => o.window.overtalkMs),
  mutualSilenceMs: dynamics('mutual silence', 'ms', (o) => o.window.mutualSilenceMs),
  mutualSilenceFraction: bounded(
    dynamics('mutual silence share', '', (o) =>
      o.window.endMs > o.window.startMs
        ? o.window.mutualSilenceMs / (o.window.endMs - o.window.startMs)
        : NaN,
    ),
  ),
  longestMutualSilenceMs: dynamics('longest mutual silence', 'ms', (o) => o.window.longestMutualSilenceMs),
  talkRatioAgent: bounded(dynamics('agent talk share', '', (o) => o.window.talkRatioAgent)),
  // Hold time is not silence (the dsp-worker leaves it out of the silence metrics above).
  holdMs: dynamics('on hold', 'ms', (o) => o.window.holdMs ?? 0),
  holdFraction: bounded(
    dynamics('on-hold share', '', (o) =>
      o.window.endMs > o.window.startMs ? (o.window.holdMs ?? 0) / (o.window.endMs - o.window.startMs) : NaN,
    ),
  ),
  // One-way audio suspected on the customer's leg (pipelines/dsp/line-watch.ts): a line fault.
  customerLineFaultMs: dynamics('customer line silent', 'ms', (o) => o.window.customerLineFaultMs ?? 0),
};

/**
 * The metric of a name from a rule file, or undefined. Own properties only: `toString`,
 * `constructor` or `__proto__` are inherited by every object and are not metrics (a rule with
 * `metric: toString` passed validation and silently never fired; `{constructor}` in a message
 * threw while rendering).
 */
export function metricOf(name: string): MetricDef | undefined {
  return Object.hasOwn(METRICS, name) ? METRICS[name] : undefined;
}

export function metricNames(): string[] {
  return Object.keys(METRICS);
}

/** Formats a metric value for messages: 2 decimals below 10, 1 decimal above. */
export function formatValue(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = Math.abs(value) < 10 ? value.toFixed(2) : value.toFixed(1);
  return unit ? `${text} ${unit}` : text;
}
