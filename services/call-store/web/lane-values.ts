// The values a timeline lane draws: pace and tension only where the speaker spoke. Pure.

export type Col = (number | null)[];

/**
 * Below this share of speech a window's pace and tension say nothing of the voice (a silent
 * window reads pace 0 and tension 1): a gap, as the live pages show (alert-service live-state.ts).
 * The timeline drew every pause as maximum tension (UX probe).
 */
export const MIN_SPEECH_FRACTION = 0.2;

/** A lane's values, with gaps where the lane needs speech and the window has too little. */
export function laneValues(windows: Record<string, Col>, key: string, speechOnly: boolean): Col {
  const values = windows[key] ?? [];
  if (!speechOnly) return values;
  const speech = windows.speechFraction ?? [];
  return values.map((v, i) => ((speech[i] ?? 0) >= MIN_SPEECH_FRACTION ? v : null));
}
