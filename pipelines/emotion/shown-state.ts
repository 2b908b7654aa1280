// What a person watching the call is shown for one emotion event: the class when the model is
// confident of it, else "tense" when the arousal judgement is (arousal holds best on voices the
// model never heard: UAR 0.77 across corpora against 0.43 for the seven-way class, README), else
// "uncertain". Pure, no I/O; shared by the wallboard, the agent page and the demo console.
import type { EmotionState } from './types.ts';

/**
 * P(high arousal) from which an `uncertain` window reads "tense". On the call protocol of
 * `npm run eval:emotion` (`arousal_cue_when_uncertain_call`) 74 % of the uncertain windows that
 * read "tense" at 0.6 were in high-arousal clips. There is no "calm" cue: uncertain windows with
 * P(high) ≤ 0.4 were in low-arousal clips only 52 % of the time (≤ 0.2: 58 %), a coin toss
 * (README, honesty log).
 */
export const TENSE_AT_AROUSAL = 0.6;

export type ArousalCue = 'tense';

/** The arousal cue of an `uncertain` window, or null when there is none to show. */
export function arousalCue(arousal: number | null): ArousalCue | null {
  return arousal !== null && Number.isFinite(arousal) && arousal >= TENSE_AT_AROUSAL ? 'tense' : null;
}

/**
 * The state to show: a confident class as is; `uncertain` replaced by the arousal cue if any.
 * Takes the state as the records carry it (a string holding an EmotionState).
 */
export function shownState<S extends string = EmotionState>(
  state: S,
  arousal: number | null,
): S | ArousalCue {
  return state === 'uncertain' ? (arousalCue(arousal) ?? state) : state;
}
