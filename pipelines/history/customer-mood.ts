// The customer's mood at the start and at the end of one call, for the customer's history: the
// dominant decided state and the mean arousal / valence over the first and the last MOOD_SPAN_MS
// of customer speech, plus the call's frustration episodes and escalations from its alerts. The
// spans are of all speech, `uncertain` windows included (they count for arousal and valence, not
// for the state): spans of decided speech alone reached past a calm start read mostly
// `uncertain` into the anger after it, and a calm -> angry -> calm call read "angry -> angry"
// (page probe). Pure.
import type { EmotionState } from '../emotion/types.ts';
import { FRUSTRATION_RULE_WORD, ownedMs } from '../scorecard/measures.ts';
import { ESCALATION_ID_SUFFIX } from '../scorecard/alert-episodes.ts';

/** How much customer speech "the start" and "the end" of a call are. */
export const MOOD_SPAN_MS = 30_000;
/** The alert engine ends an escalation's own id with this (one definition: alert-episodes.ts). */
export const ESCALATION_SUFFIX = ESCALATION_ID_SUFFIX;

export interface MoodEmotion {
  startMs: number;
  endMs: number;
  state: EmotionState;
  arousal: number;
  valence: number;
  /** A window on hold (not judged, "uncertain"): not the customer's speech. Absent = not on hold. */
  onHold?: boolean;
}

export interface MoodEnd {
  /** The state the customer spent most of this span in; null without decided speech. */
  state: EmotionState | null;
  arousal: number | null;
  valence: number | null;
}

export interface CustomerMood {
  start: MoodEnd;
  end: MoodEnd;
  /** Frustration alerts fired (each one episode; escalations not counted twice). */
  frustrationEpisodes: number;
  /** Alerts escalated to a supervisor. */
  escalations: number;
}

function span(events: readonly MoodEmotion[], owned: readonly number[], fromEnd: boolean): MoodEnd {
  const timeIn = new Map<EmotionState, number>();
  let weight = 0;
  let arousal = 0;
  let valence = 0;
  for (let k = 0; k < events.length && weight < MOOD_SPAN_MS; k++) {
    const i = fromEnd ? events.length - 1 - k : k;
    const take = Math.min(owned[i], MOOD_SPAN_MS - weight);
    if (take <= 0) continue;
    const e = events[i];
    weight += take;
    arousal += e.arousal * take;
    valence += e.valence * take;
    if (e.state !== 'uncertain') timeIn.set(e.state, (timeIn.get(e.state) ?? 0) + take);
  }
  if (timeIn.size === 0) return { state: null, arousal: null, valence: null };
  let state: EmotionState | null = null;
  for (const [candidate, ms] of timeIn) if (state === null || ms > timeIn.get(state)!) state = candidate;
  const round = (x: number) => Math.round((x / weight) * 1000) / 1000;
  return { state, arousal: round(arousal), valence: round(valence) };
}

/** The customer's mood of one call from its customer emotion events (any order) and alert ids. */
export function customerMood(
  customerEmotions: readonly MoodEmotion[],
  alerts: readonly { alertId: string; ruleId: string }[],
): CustomerMood {
  const speech = customerEmotions
    // Hold windows are not speech either: a call left on hold read no mood at its end (review).
    .filter((e) => e.state !== 'no-speech' && e.onHold !== true)
    .sort((a, b) => a.startMs - b.startMs);
  const owned = ownedMs(speech);
  const escalations = alerts.filter((a) => a.alertId.endsWith(ESCALATION_SUFFIX)).length;
  const frustrationEpisodes = alerts.filter(
    (a) => a.ruleId.includes(FRUSTRATION_RULE_WORD) && !a.alertId.endsWith(ESCALATION_SUFFIX),
  ).length;
  return {
    start: span(speech, owned, false),
    end: span(speech, owned, true),
    frustrationEpisodes,
    escalations,
  };
}
