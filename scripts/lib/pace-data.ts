// Pace training / evaluation data: for each EmoDB file with syllable labels, the pace feature
// vector (pipelines/dsp/pace-features.ts) of the first 2-s window at 8 kHz µ-law, computed by the
// same frame analyzer as the product, plus the labelled syllable rate. Reads EmoDB (file I/O).

import { frameStoreOf } from '../../pipelines/dsp/frame-track.ts';
import { resolveOptions } from '../../pipelines/dsp/options.ts';
import { toTelephoneBand } from '../../pipelines/dsp/index.ts';
import {
  createPaceFeatureScratch,
  paceFeatures,
  PACE_FEATURE_COUNT,
} from '../../pipelines/dsp/pace-features.ts';
import { readEmodbSamples, type EmodbItem } from './emodb.ts';

export interface PaceRow {
  id: string;
  speaker: string;
  text: string;
  features: Float64Array;
  /** Labelled syllables with onset below 2.0 s, per second. */
  rate: number;
  /** The 8 kHz µ-law bytes the features were computed from (to re-run the streaming analyzer). */
  bytes: Uint8Array;
}

const FORMAT = { codec: 'pcmu' as const, sampleRateHz: 8000 };

/** Features of window 0 (frames [0, windowFrames) or fewer at the end of the file). */
export function paceRows(items: EmodbItem[]): PaceRow[] {
  const o = resolveOptions({ format: FORMAT });
  const rows: PaceRow[] = [];
  for (const item of items) {
    if (item.syllablesBelow2s === null) continue;
    const { samples, sampleRateHz } = readEmodbSamples(item);
    const bytes = toTelephoneBand(samples, sampleRateHz, 'pcmu');
    const { store, frames, hopS } = frameStoreOf(bytes, { format: FORMAT });
    const hopMs = hopS * 1000;
    const end = Math.min(frames, Math.max(1, Math.round(o.windowMs / hopMs)));
    const features = new Float64Array(PACE_FEATURE_COUNT);
    paceFeatures(store, 0, end, hopMs, createPaceFeatureScratch(end), features);
    rows.push({
      id: item.id,
      speaker: item.speaker,
      text: item.text,
      features,
      rate: item.syllablesBelow2s / 2.0,
      bytes,
    });
  }
  return rows;
}
