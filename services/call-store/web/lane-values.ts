// The values a timeline lane draws: pace and tension only where the speaker spoke. Pure.
import { PACE_MIN_SPEECH_FRACTION } from '../../../pipelines/alerts/agent-pace.ts';

export type Col = (number | null)[];

/**
 * Below this share of speech a window's pace and tension say nothing of the voice (a silent
 * window reads pace 0 and tension 1): a gap, as the live pages show (alert-service live-state.ts).
 * The timeline drew every pause as maximum tension (UX probe).
 */
export const MIN_SPEECH_FRACTION = 0.2;

/**
 * The pace lane's key: syllables per second of speech, where a window is at least half speech, as
 * the "speaking too fast" rule and the scorecard judge it (agent-pace.ts). The lane drew the
 * syllable rate (pauses included): a reviewer saw 6.5 and a scorecard saying "too fast".
 */
export const PACE_WHILE_SPEAKING = 'paceWhileSpeaking';

function paceWhileSpeaking(windows: Record<string, Col>): Col {
  const speech = windows.speechFraction ?? [];
  return (windows.syllableRate ?? []).map((rate, i) => {
    const share = speech[i] ?? 0;
    return rate === null || share < PACE_MIN_SPEECH_FRACTION ? null : rate / share;
  });
}

/** A lane's values, with gaps where the lane needs speech and the window has too little. */
export function laneValues(windows: Record<string, Col>, key: string, speechOnly: boolean): Col {
  if (key === PACE_WHILE_SPEAKING) return paceWhileSpeaking(windows);
  const values = windows[key] ?? [];
  if (!speechOnly) return values;
  const speech = windows.speechFraction ?? [];
  return values.map((v, i) => ((speech[i] ?? 0) >= MIN_SPEECH_FRACTION ? v : null));
}
