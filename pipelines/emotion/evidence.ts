// Evidence: the top reasons of an emotion event in plain words with numbers, relative to the
// speaker's baseline ("pitch +3.1 st above baseline; pace 5.8 syl/s, +25 %; tension high").
// Pure, no I/O. The measures are named SpeakerWindow fields (pipelines/dsp/types.ts).
import type { SpeakerBaseline } from './baseline.ts';
import type { SpeakerWindow } from '../dsp/types.ts';

/** Order of the evidence measures (also the order of the model's evidenceBaseline prior). */
export const EVIDENCE_MEASURES = [
  'pitchSt',
  'pitchRangeSt',
  'paceSylPerS',
  'loudnessDbfs',
  'tension',
  'pauseRatio',
] as const;

/** Std floors of the evidence measures: below these a difference is not worth saying. */
export const EVIDENCE_MIN_STD = [1, 1, 0.4, 1.5, 0.06, 0.05] as const;

/** Copies a window's evidence measures into `out` (NaN where undefined). */
export function evidenceMeasures(w: SpeakerWindow, out: Float64Array): Float64Array {
  out[0] = w.voicedFraction > 0 ? w.pitch.medianSt : NaN;
  out[1] = w.voicedFraction > 0 ? w.pitch.rangeSt : NaN;
  out[2] = w.pace.syllableRate;
  out[3] = w.loudness.meanDbfs;
  out[4] = w.tensionIndex;
  out[5] = w.pace.pauseRatio;
  return out;
}

const signed = (v: number, digits: number): string => `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(digits)}`;

function percentChange(value: number, base: number): string {
  return Math.abs(base) < 1e-9 ? '' : `, ${signed((100 * (value - base)) / Math.abs(base), 0)} %`;
}

function level(v: number): string {
  return v >= 0.6 ? 'high' : v <= 0.3 ? 'low' : 'moderate';
}

function phrase(d: number, value: number, base: number): string {
  const delta = value - base;
  const dir = delta >= 0 ? 'above' : 'below';
  switch (d) {
    case 0:
      return `pitch ${signed(delta, 1)} st ${dir} baseline`;
    case 1:
      return `pitch range ${value.toFixed(1)} st${percentChange(value, base)}`;
    case 2:
      return `pace ${value.toFixed(1)} syl/s${percentChange(value, base)}`;
    case 3:
      return `loudness ${signed(delta, 1)} dB ${dir} baseline`;
    case 4:
      return `tension ${level(value)} (${value.toFixed(2)}, baseline ${base.toFixed(2)})`;
    default:
      return `pauses ${Math.round(100 * value)} % of the time (baseline ${Math.round(100 * base)} %)`;
  }
}

/**
 * Up to `max` phrases for the measures that differ most from the baseline (|z| >= 0.5), largest
 * first; when nothing stands out, says so with the pitch and pace figures.
 */
export function describeEvidence(
  measures: Float64Array,
  baseline: SpeakerBaseline,
  z: Float64Array,
  order: Int32Array,
  max = 3,
): string[] {
  const n = EVIDENCE_MEASURES.length;
  baseline.normalise(measures, z);
  for (let d = 0; d < n; d++) order[d] = d;
  // Insertion sort by |z| descending (6 items): no allocation, NaN last.
  const key = (d: number): number => (Number.isFinite(z[d]) ? Math.abs(z[d]) : -1);
  for (let i = 1; i < n; i++) {
    const v = order[i];
    let j = i - 1;
    while (j >= 0 && key(order[j]) < key(v)) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = v;
  }
  const out: string[] = [];
  for (let i = 0; i < n && out.length < max; i++) {
    const d = order[i];
    if (key(d) < 0.5) break;
    out.push(phrase(d, measures[d], baseline.meanOf(d)));
  }
  if (out.length === 0) {
    const parts = [0, 2]
      .filter((d) => Number.isFinite(measures[d]))
      .map((d) => phrase(d, measures[d], baseline.meanOf(d)));
    out.push(`close to baseline${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`);
  }
  return out;
}
