// A speaker's vocal tension against their own voice at the start of the call. The tension index
// (pipelines/dsp/tension.ts) is an absolute heuristic whose level depends on the voice, the room
// and the microphone: on the seven corpora of `npm run eval:emotion` 39 % of the calm (neutral)
// speech windows after the calm start read ≥ 0.6, the old "tense" line (EMOVO 85 %, nEMO 60 %,
// TESS 2 %), so calm agents were told their voice sounded tense (UX probe: calm agents at 60–81 %).
// Against the mean of the speaker's first TENSION_BASELINE_WINDOWS speech windows, a rise of
// TENSION_RISE_TENSE or more is 3 times as common in high-arousal speech as in calm speech, and
// held 10 s it happens in no calm block of those calls (`agent_tension_cue` in the eval's JSON).
// Limits (review, scratch runs on the same calls through the real engine): a start more relaxed
// than the rest of the call (a subdued opening) makes ordinary speech read raised (7 of 78 calm
// blocks flagged with a baseline learnt from sad or bored speech); line noise that starts after
// a clean start does too (7 of 91), and a noisy start hides real rises (27 → 6 of 294 high-arousal
// blocks). The baseline is the speaker's first ~10 s whatever they were: it is never relearnt,
// except the agent's after a transfer to another agent (engine.ts, pipelines/agent-leg.ts).
// Pure, no I/O, no allocation per window.

/** A window counts as speech (and teaches the baseline) from this speech fraction on, as in the engine. */
export const TENSION_MIN_SPEECH = 0.2;
/** Speech windows (2 s, 1 s hop) the baseline learns from: about the first 10 s of speech. */
export const TENSION_BASELINE_WINDOWS = 10;
/** A rise over the baseline from which the voice reads tense. */
export const TENSION_RISE_TENSE = 0.1;

export interface TensionBaseline {
  sum: number;
  count: number;
}

export const newTensionBaseline = (): TensionBaseline => ({ sum: 0, count: 0 });

/**
 * Feeds one speech window's tension (skip silence before calling) and returns its rise over the
 * baseline learnt before it, or NaN while the baseline is still learning (or the tension is not
 * a number). The baseline learns from the first TENSION_BASELINE_WINDOWS windows, then stays.
 */
export function tensionRise(baseline: TensionBaseline, tension: number): number {
  if (!Number.isFinite(tension)) return NaN;
  if (baseline.count < TENSION_BASELINE_WINDOWS) {
    baseline.sum += tension;
    baseline.count += 1;
    return NaN;
  }
  return tension - baseline.sum / baseline.count;
}
