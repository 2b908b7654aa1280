// Echo gate of one channel (the customer's): marks the frames whose heard speech is the other
// channel's (the agent's) line echo, so they are neither this speaker's talk (VAD, talk ratio,
// overtalk, response latencies) nor input to this speaker's windows (pitch, loudness, the emotion
// judged on them). Pure, no I/O, no allocation.
//
// A copy is the copy test of dynamics.ts (copyR): over the last COPY_SPAN_FRAMES (300 ms), the
// channel's frame levels follow the other's 0-80 ms later (Pearson r ≥ 0.9), at least 6 dB down.
// That is the hybrid echo of a PSTN line (ITU-T G.168: echo return loss 6 dB at least, 15-30 dB
// typical, delays of a few to 64 ms for the tails G.168 sizes) and a handset's acoustic echo. But
// two real voices follow each other for a moment too: judged at every frame, such chance copies
// took 8-11 % of a quieter customer's double-talk on a line with no echo (review). So a copy is
// gated only when it is of the line's echo PATH (echo-path.ts), the same lag and loss found in
// another span before; and within a copy span only the frames no louder than the echo the path
// predicts from the agent's level (ECHO_LEVEL_TOLERANCE_DB): the customer's own words over the
// echo are louder, and kept. A copy's span frames are judged together, so the onset of an echoed
// word is gated too: a frame's decision is final only COPY_SPAN_FRAMES - 1 frames after it is
// judged, and the channel's windows wait that long (ECHO_DECISION_LAG_FRAMES).
// Limits: a frame is judged only once the other channel's audio up to it has arrived; the echo
// before its path is established (its first two copies, 300 ms or more apart) is not gated; a
// customer no louder than the echo over her is lost with it (a poor hybrid and a faint caller).

import {
  COPY_MAX_LAG_FRAMES,
  COPY_SPAN_FRAMES,
  copyR,
  heardAt,
  levelAt,
  markEcho,
  type VadTrack,
} from './dynamics.ts';
import {
  followPath,
  learnPath,
  PATH_LAG_TOLERANCE_FRAMES,
  PATH_LOSS_TOLERANCE_DB,
  type EchoPath,
} from './echo-path.ts';

/**
 * A near channel whose frame levels are the far one's less a constant, at no delay, frame by frame
 * (the per-frame level differences spread less than this), is the same audio at another gain: a
 * mono call on both legs, one leg quieter. A line echo is not: it comes ms late through a path that
 * smears it across frame edges (the demo calls' echo at 8 ms: 0.6 dB and more in 99 % of its judged
 * spans; a duplicate 6 dB down: 0.09 dB in 90 %). Gating it silenced the customer whole (review:
 * 2 % of her speech kept with her leg 6 dB down, 90 % at 3 dB, 96 % at the same level).
 */
const DUPLICATE_SPREAD_DB = 0.5;

/** The near channel's levels over the span are the far one's at lag 0 less a constant (a duplicate at another gain). */
function gainedDuplicate(near: VadTrack, far: VadTrack, frame: number): boolean {
  let n = 0;
  let s = 0;
  let ss = 0;
  for (let j = frame - COPY_SPAN_FRAMES + 1; j <= frame; j++) {
    if (heardAt(near, j) !== 1 || heardAt(far, j) !== 1) continue;
    const d = levelAt(far, j) - levelAt(near, j);
    if (!Number.isFinite(d)) continue;
    n++;
    s += d;
    ss += d * d;
  }
  if (n < (COPY_SPAN_FRAMES * 2) / 3) return false;
  const spread = Math.sqrt(Math.max(0, ss / n - (s / n) ** 2));
  return spread < DUPLICATE_SPREAD_DB;
}

/** A frame's echo decision may still change this many frames after it is judged. */
export const ECHO_DECISION_LAG_FRAMES = COPY_SPAN_FRAMES - 1;

/**
 * A frame of a path copy's span is the echo when it is no louder than the agent's level at the
 * path's lag (±1 frame) less the path's loss, plus this (dB): louder is the customer over the
 * echo. Measured: 4 dB kept a dispersive path's smeared echo (loss 25-29 dB against 20 dB
 * nominal) as the customer's speech in the calm call (agreement 0.79); 8 dB, 1.00.
 */
const ECHO_LEVEL_TOLERANCE_DB = 8;

/**
 * A span's loss is read over the frames where the agent is within this of her loudest in the span
 * (dB): the echo of her quiet syllables sinks into a noisy line's floor, which reads as less loss
 * (a 30 dB path read 21-28 dB under -55 dBFS noise, and half its copies missed the path's ±3 dB).
 * Measured (`npm run eval:echo -- --noise-dbfs=-55`): 12-14 dB, every noisy condition at 0.77 or
 * more (0.33 reading every frame); 6-11 dB lost the sad call at 30 dB / 64 ms (0.73), 15 dB the
 * angry call's dispersive path (0.63). On a silent line the loud frames' loss is the mean's to a
 * fraction of a dB (eval:echo: 0.1 s more customer speech at most; the no-echo calls unchanged).
 */
const LOSS_LOUD_AGENT_DB = 13;

/** Mean level difference, far at `lag` less near, over the span's frames where both are heard and the far one is loud (dB). */
function spanLossDb(near: VadTrack, far: VadTrack, frame: number, lag: number): number {
  let peak = -Infinity;
  for (let j = frame - COPY_SPAN_FRAMES + 1; j <= frame; j++) {
    if (heardAt(near, j) !== 1 || heardAt(far, j - lag) !== 1) continue;
    if (Number.isFinite(levelAt(near, j))) peak = Math.max(peak, levelAt(far, j - lag));
  }
  let n = 0;
  let s = 0;
  for (let j = frame - COPY_SPAN_FRAMES + 1; j <= frame; j++) {
    if (heardAt(near, j) !== 1 || heardAt(far, j - lag) !== 1) continue;
    if (levelAt(far, j - lag) < peak - LOSS_LOUD_AGENT_DB) continue;
    const d = levelAt(far, j - lag) - levelAt(near, j);
    if (!Number.isFinite(d)) continue;
    n++;
    s += d;
  }
  return n > 0 ? s / n : NaN;
}

/**
 * The lag in [from, to] the span copies the far channel best at (highest r), with a loss within
 * PATH_LOSS_TOLERANCE_DB of `path`'s when given; -1 when none.
 */
function bestCopyLag(
  near: VadTrack,
  far: VadTrack,
  frame: number,
  from: number,
  to: number,
  path: EchoPath | null,
): number {
  let best = -1;
  let bestR = -1;
  for (let lag = Math.max(0, from); lag <= Math.min(COPY_MAX_LAG_FRAMES, to); lag++) {
    const r = copyR(near, far, frame, COPY_SPAN_FRAMES, lag, false);
    if (r <= bestR) continue;
    if (path && Math.abs(spanLossDb(near, far, frame, lag) - path.lossDb) > PATH_LOSS_TOLERANCE_DB) continue;
    best = lag;
    bestR = r;
  }
  return best;
}

/** The loudest the agent's echo can be at near frame `j` through the path at `lag` (dBFS; -Infinity: none heard). */
function predictedEchoDb(far: VadTrack, path: EchoPath, lag: number, j: number): number {
  // The echo's delay falls between frames (32 ms is 3.2 hops) and smears onsets over the next one.
  let peak = -Infinity;
  for (let l = lag - 1; l <= lag + 1; l++)
    if (heardAt(far, j - l) === 1) peak = Math.max(peak, levelAt(far, j - l));
  return peak - path.lossDb;
}

/**
 * Judges `frame` of `near` (the channel the echo is on) against `far` (the talker); `far` must
 * hold its frames up to `frame`. Marks frames from `floor` on only (those before were released).
 */
export function judgeEcho(near: VadTrack, far: VadTrack, path: EchoPath, frame: number, floor: number): void {
  if (heardAt(near, frame) !== 1) return;
  const tol = PATH_LAG_TOLERANCE_FRAMES;
  const lag = path.lag >= 0 ? bestCopyLag(near, far, frame, path.lag - tol, path.lag + tol, path) : -1;
  if (lag < 0) {
    // No copy of the path (or none yet): nothing gated, maybe a path learnt.
    const found = bestCopyLag(near, far, frame, 0, COPY_MAX_LAG_FRAMES, null);
    if (found >= 0 && !gainedDuplicate(near, far, frame))
      learnPath(path, found, spanLossDb(near, far, frame, found), frame);
    return;
  }
  if (gainedDuplicate(near, far, frame)) return;
  followPath(path, spanLossDb(near, far, frame, lag));
  for (let j = Math.max(floor, frame - COPY_SPAN_FRAMES + 1); j <= frame; j++) {
    // Louder than the echo can be: the customer over it (double-talk).
    if (
      heardAt(near, j) === 1 &&
      levelAt(near, j) <= predictedEchoDb(far, path, lag, j) + ECHO_LEVEL_TOLERANCE_DB
    )
      markEcho(near, j);
  }
}
