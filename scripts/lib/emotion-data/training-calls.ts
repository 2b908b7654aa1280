// Corpus calls (features.ts) -> the pure training shape (pipelines/emotion/train/call-data.ts):
// each window tagged with the clip its centre falls in, each clip with its targets. No I/O.
import { isPositiveValence } from '../../../pipelines/emotion/affect.ts';
import type { ClipTargets, TrainingCall } from '../../../pipelines/emotion/train/call-data.ts';
import { EMOTION_LABELS } from '../../../pipelines/emotion/types.ts';
import type { EmotionLabel } from '../../../pipelines/emotion/types.ts';
import type { Clip } from '../corpora/clip.ts';
import { segmentAt } from './call-layout.ts';
import type { SpeakerCall, WindowRow } from './features.ts';

/** A clip's targets: `surprise` counts for arousal only, BAVED (no label) for arousal only. */
export function clipTargets(clip: Clip): ClipTargets {
  const label = clip.label !== null && clip.label !== 'surprise' ? (clip.label as EmotionLabel) : null;
  return {
    label: label === null ? -1 : EMOTION_LABELS.indexOf(label),
    arousal: clip.arousal === null ? -1 : clip.arousal === 'high' ? 1 : 0,
    valence: label === null ? -1 : isPositiveValence(label) ? 1 : 0,
  };
}

export const centreMs = (w: Pick<WindowRow, 'startMs' | 'endMs'>): number => (w.startMs + w.endMs) / 2;

/** The speaker's call, windows tagged by the segment they are centred in. */
export function trainingCall(call: SpeakerCall): TrainingCall {
  const clipOfSegment = call.segments.map((s) => s.clip);
  return {
    corpus: call.corpus,
    speaker: call.speaker,
    augmented: call.condition !== 'clean',
    clips: call.clips.map(clipTargets),
    windows: call.windows.map((w) => {
      const s = segmentAt(call.segments, centreMs(w));
      return {
        speechFraction: w.speechFraction,
        functionals: w.functionals,
        measures: w.measures,
        clip: s < 0 ? -1 : clipOfSegment[s],
        calmStart: s >= 0 && call.segments[s].calmStart,
      };
    }),
  };
}
