// The line's echo path as the customer channel shows it: the lag and the loss at which its level
// copies the agent's. A hybrid's echo path is stable over a call (ITU-T G.168 echo cancellers
// converge on one path and hold it), while two voices talking over each other follow each other's
// levels only by chance, at any lag and loss. So a copy is gated only once its path is established:
// found again in another span at the same lag (±1 frame) and loss (±3 dB). Mutable state of one
// call, updated in frame order (the same audio gives the same path). Pure, no I/O, no allocation.

/** Two copies are of one path when their lags differ by this many frames at most. */
export const PATH_LAG_TOLERANCE_FRAMES = 1;
/** ... and their losses (mean level difference over a span) by this much at most (dB). */
export const PATH_LOSS_TOLERANCE_DB = 3;
/**
 * A candidate path is established by a copy of it this many frames after its first: another span
 * (a span is 30 frames), not the same words judged again a frame later. Measured (eval:echo): 2 s
 * let the first seconds of each echoed call through (agreement with the clean call down to 0.51,
 * the angry call's frustration alert lost in one condition); 1 s, to 0.79. Chance copies of a real
 * voice in double-talk matched no earlier one within ±1 frame and ±3 dB even at 300 ms apart (the
 * reviewer's KD0 over SM0 with no echo, 0-20 dB down: no path, all of her speech kept).
 */
export const PATH_CONFIRM_GAP_FRAMES = 30;
/**
 * A candidate not found again within this many frames (2 s) is forgotten: a hybrid's echo copies
 * the agent at every loud syllable, so its path is found again within a turn, while two chance
 * copies of a real voice in double-talk minutes apart matched by chance (review: on a 5.5-min call
 * with no echo, two chance copies 13.5 s apart established a path, and her speech in three windows
 * was then gated as its echo: 99.2 % of it kept instead of 100 %).
 */
export const PATH_CANDIDATE_MAX_AGE_FRAMES = 200;
/**
 * Weight of one path copy's loss in the path's (per judged frame of a copy span): the loss follows
 * slowly, since a dispersive hybrid's moves with the speech's spectrum (25-29 dB between spans of
 * the 20 dB path in eval:echo).
 */
const PATH_LOSS_FOLLOW = 0.02;

export interface EchoPath {
  /** The established path's lag (frames; -1: none yet): only copies of it are gated. */
  lag: number;
  /** Its loss (dB): the agent's level less the echo's. */
  lossDb: number;
  /** A copy not of the established path, waiting for another of it (-1: none). */
  candidateLag: number;
  /** The mean loss of the candidate's copies (a span's drifts as it slides over the words). */
  candidateLossDb: number;
  /** The frame the candidate was first found at. */
  candidateFrame: number;
  /** Copies of the candidate judged so far. */
  candidateCopies: number;
}

export function createEchoPath(): EchoPath {
  return { lag: -1, lossDb: 0, candidateLag: -1, candidateLossDb: 0, candidateFrame: 0, candidateCopies: 0 };
}

export function samePath(lagA: number, lossA: number, lagB: number, lossB: number): boolean {
  return (
    Math.abs(lagA - lagB) <= PATH_LAG_TOLERANCE_FRAMES && Math.abs(lossA - lossB) <= PATH_LOSS_TOLERANCE_DB
  );
}

/** A copy of the established path: its loss moves the path's a little. */
export function followPath(path: EchoPath, lossDb: number): void {
  path.lossDb += PATH_LOSS_FOLLOW * (lossDb - path.lossDb);
}

/**
 * A copy at `lag` and `lossDb` found at `frame` that is not of the established path: a candidate,
 * which another copy of it PATH_CONFIRM_GAP_FRAMES later establishes, in place of any path before
 * (the call was transferred to another line). A copy of another path starts a new candidate.
 */
export function learnPath(path: EchoPath, lag: number, lossDb: number, frame: number): void {
  if (
    path.candidateLag >= 0 &&
    frame - path.candidateFrame <= PATH_CANDIDATE_MAX_AGE_FRAMES &&
    samePath(path.candidateLag, path.candidateLossDb, lag, lossDb)
  ) {
    path.candidateCopies++;
    path.candidateLossDb += (lossDb - path.candidateLossDb) / path.candidateCopies;
    if (frame - path.candidateFrame < PATH_CONFIRM_GAP_FRAMES) return;
    path.lag = path.candidateLag;
    path.lossDb = path.candidateLossDb;
    path.candidateLag = -1;
    return;
  }
  path.candidateLag = lag;
  path.candidateLossDb = lossDb;
  path.candidateFrame = frame;
  path.candidateCopies = 1;
}
