// The affect fields of a synthetic emotion event, shared by the store's and the alert service's
// synthetic calls: angry = high arousal, low valence, confident, with evidence; otherwise calm.
// Pure.

export interface SyntheticAnger {
  /** Arousal while angry; also the confidence of both dimensions. */
  arousal: number;
  valence: number;
  evidence: readonly string[];
}

export function syntheticAffect(angry: boolean, anger: SyntheticAnger) {
  return {
    arousal: angry ? anger.arousal : 0.4,
    valence: angry ? anger.valence : 0.6,
    arousalConfidence: angry ? anger.arousal : 0.6,
    valenceConfidence: angry ? anger.arousal : 0.6,
    confidence: 0.7,
    evidence: angry ? [...anger.evidence] : [],
  };
}
