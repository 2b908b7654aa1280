// Scoring of held-out EmoDB rows with a fitted model, exactly as at run time: speaker baseline
// (the speaker's other utterances of the same condition, pooled with the model's prior) -> scorer.
// Pure helper for the eval script (no I/O).
import { SpeakerBaseline } from '../../pipelines/emotion/baseline.ts';
import type { EmotionModel } from '../../pipelines/emotion/model-file.ts';
import { createScorer } from '../../pipelines/emotion/scorer.ts';
import type { FeatureRow } from '../../pipelines/emotion/train/speaker-norm.ts';

export interface Prediction {
  id: string;
  truth: number;
  predicted: number;
  confidence: number;
  probs: Float64Array;
}

/** Predictions for the rows of ONE speaker and ONE condition (normalised leave-one-out). */
export function predictSpeaker(model: EmotionModel, rows: readonly FeatureRow[]): Prediction[] {
  const scorer = createScorer(model);
  const z = new Float64Array(model.featureNames.length);
  return rows.map((row, i) => {
    const b = new SpeakerBaseline(model.baseline);
    rows.forEach((other, j) => {
      if (j !== i) b.add(other.functionals);
    });
    b.normalise(row.functionals, z);
    const probs = new Float64Array(scorer.classes);
    scorer.score(z, probs);
    let best = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
    return { id: row.id, truth: row.label, predicted: best, confidence: probs[best], probs };
  });
}
