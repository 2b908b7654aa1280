// Echo gate of one channel (the customer's): marks the frames whose heard speech is the other
// channel's (the agent's) line echo, so they are neither this speaker's talk (VAD, talk ratio,
// overtalk, response latencies) nor input to this speaker's windows (pitch, loudness, the emotion
// judged on them). Pure, no I/O, no allocation.
//
// An echo is the copy test of dynamics.ts (copyLag): over the last COPY_SPAN_FRAMES (300 ms), the
// channel's frame levels follow the other's 0-80 ms later (Pearson r ≥ 0.9), at least 6 dB down.
// That is the hybrid echo of a PSTN line (ITU-T G.168: echo return loss 6 dB at least, 15-30 dB
// typical, delays of a few to 64 ms for the tails G.168 sizes) and a handset's acoustic echo.
// When a frame is judged a copy, every frame of its span that the copy rests on (this channel
// heard, the other's at the found lag heard) is echo: the onset of each echoed word is then gated
// too, not only its last 100 ms. So a frame's decision is final only COPY_SPAN_FRAMES - 1 frames
// after it is judged: the channel's windows wait that long (ECHO_DECISION_LAG_FRAMES).
// Double-talk (the customer speaking over the agent) is kept: a second voice moves with its own
// syllables (r < 0.9), and one louder than the agent's echo by 6 dB or more is no quieter copy.
// Limits: a frame is judged only once the other channel's audio up to it has arrived; a
// speaker's voice under an echo louder than it is lost with the echo (an echo 6 dB or less below
// the agent, louder than the customer: a line with a poor hybrid and a faint caller).

import { COPY_SPAN_FRAMES, copyLag, heardAt, levelAt, markEcho, type VadTrack } from './dynamics.ts';

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
 * Judges `frame` of `near` (the channel the echo is on) against `far` (the talker); `far` must
 * hold its frames up to `frame`. Marks frames from `floor` on only (those before were released).
 */
export function judgeEcho(near: VadTrack, far: VadTrack, frame: number, floor: number): void {
  if (heardAt(near, frame) !== 1) return;
  const lag = copyLag(near, far, frame, COPY_SPAN_FRAMES, false);
  if (lag < 0 || gainedDuplicate(near, far, frame)) return;
  for (let j = Math.max(floor, frame - COPY_SPAN_FRAMES + 1); j <= frame; j++) {
    if (heardAt(near, j) === 1 && heardAt(far, j - lag) === 1) markEcho(near, j);
  }
}
