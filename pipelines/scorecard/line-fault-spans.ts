// Which dynamics windows a suspected one-way customer line (DynamicsWindow.customerLineFaultMs,
// pipelines/dsp/line-watch.ts) takes out of the talk ratio: the windows of the fault and those of
// the quiet before it was recognised (the watch needs 20 s or more of the customer unheard first:
// those windows read the agent alone, talk ratio 1.0, the line's doing if the line was dead). The
// rest of the call is judged as any call: a suspicion does not cancel a whole-call verdict.
// Pure, no I/O.
import type { ScoreDynamics, ScoreWindow } from './types.ts';

/** The least the line watch waits before it suspects the line (LINE_QUIET_FRAMES: 20 s). */
export const LINE_RECOGNITION_MS = 20_000;

/**
 * For each of `dynamics` (sorted by start), whether it is outside every fault and the quiet before
 * it: back to the end of the last window in which the customer was heard at all (the watch's run
 * starts at her last speech frame), 20 s at least.
 */
export function outsideLineFaults(
  dynamics: readonly ScoreDynamics[],
  customerWindows: readonly ScoreWindow[],
): boolean[] {
  const out = dynamics.map((d) => (d.customerLineFaultMs ?? 0) === 0);
  dynamics.forEach((d, i) => {
    const fault = d.customerLineFaultMs ?? 0;
    if (fault === 0 || (dynamics[i - 1]?.customerLineFaultMs ?? 0) > 0) return;
    // The first window of a fault: its fault runs from the recognised frame to its end.
    const recognisedMs = d.endMs - fault;
    let heardUntilMs = 0;
    for (const w of customerWindows)
      if (w.speechFraction > 0 && w.endMs <= recognisedMs) heardUntilMs = Math.max(heardUntilMs, w.endMs);
    const fromMs = Math.min(heardUntilMs, recognisedMs - LINE_RECOGNITION_MS);
    for (let j = i - 1; j >= 0 && dynamics[j].endMs > fromMs; j--) out[j] = false;
  });
  return out;
}
