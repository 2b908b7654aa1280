// Conversational dynamics of two speakers over one window, from their per-frame VAD and level:
// overtalk, mutual silence, talk ratio and response latencies (turn onset after the other
// speaker's last speech frame). Pure, no I/O.
//
// Overtalk is both speaking at once for at least MIN_OVERTALK_MS, each with a voice of its own
// (neither channel only the other's echo: echo-gate.ts). Gaps and overlaps between turns are measured from the two speakers' voice activity as in
// Heldner & Edlund (2010), "Pauses, gaps and overlaps in conversations", J. Phonetics 38(4); what
// is not overtalk here, measured on real turn-taking (nEMO clips as alternating turns): a latched
// handover (each VAD's 80 ms hangover made every turn change an "overlap" of 30-80 ms, 19 of them
// in 24 clean turns, and the repeated-overtalk alert fired on a polite call), a backchannel under
// the other's turn, and the other speaker's echo or crosstalk on a channel (the line's echo, at
// 25-35 dB below the talker, counted as 10-14 overtalks and up to 20 s of it in a 60 s call).

import type { DynamicsWindow } from './types.ts';
import { followVoices, overlapsAt } from './echo-gate.ts';
import { vadAt, type VadTrack } from './vad-track.ts';

export { appendVad, createVadTrack, trimVad, vadAt, type VadTrack } from './vad-track.ts';

/** A response is only counted if the other speaker stopped at most this long before (ms). */
export const MAX_RESPONSE_LATENCY_MS = 5000;
/** Both speaking for less than this is a handover or a backchannel, not overtalk (ms). */
export const MIN_OVERTALK_MS = 300;

/** Latency of a turn onset of `me` at frame i after `other` spoke last, or -1 when it is none. */
function responseFrames(me: VadTrack, other: VadTrack, i: number, maxBack: number): number {
  if (vadAt(me, i) !== 1 || vadAt(me, i - 1) !== 0 || vadAt(other, i) !== 0) return -1;
  let j = i - 1;
  while (j >= i - maxBack && vadAt(other, j) === 0 && vadAt(me, j) === 0) j--;
  return j >= i - maxBack && vadAt(other, j) === 1 && vadAt(me, j) === 0 ? i - j - 1 : -1;
}

export function computeDynamics(
  agent: VadTrack,
  customer: VadTrack,
  windowIndex: number,
  first: number,
  end: number,
  hopMs: number,
  startMs: number,
  endMs: number,
): DynamicsWindow {
  let overtalkCount = 0;
  let overtalkFrames = 0;
  let silence = 0;
  let longest = 0;
  let run = 0;
  let agentFrames = 0;
  let customerFrames = 0;
  const agentLat: number[] = [];
  const customerLat: number[] = [];
  const maxBack = Math.round(MAX_RESPONSE_LATENCY_MS / hopMs);
  const minOverlap = Math.max(1, Math.round(MIN_OVERTALK_MS / hopMs));
  followVoices(agent, customer, end);
  // The overlap going on when the window starts (its frames so far; counted before when long enough).
  let overlap = 0;
  for (let j = first - 1; j >= Math.max(agent.offset, customer.offset); j--) {
    if (!overlapsAt(agent, customer, j)) break;
    overlap++;
  }
  for (let i = first; i < end; i++) {
    const a = vadAt(agent, i);
    const c = vadAt(customer, i);
    agentFrames += a;
    customerFrames += c;
    if (overlapsAt(agent, customer, i)) {
      overlap++;
      if (overlap > minOverlap) overtalkFrames++;
      else if (overlap === minOverlap) {
        // Counted where it became overtalk, with the part of it already in this window.
        overtalkCount++;
        overtalkFrames += Math.min(overlap, i - first + 1);
      }
    } else {
      overlap = 0;
    }
    if (a === 0 && c === 0) {
      silence++;
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
    // Turn onsets: this speaker starts while the other is silent and spoke last.
    const agentWaited = responseFrames(agent, customer, i, maxBack);
    if (agentWaited >= 0) agentLat.push(agentWaited * hopMs);
    const customerWaited = responseFrames(customer, agent, i, maxBack);
    if (customerWaited >= 0) customerLat.push(customerWaited * hopMs);
  }
  const talk = agentFrames + customerFrames;
  return {
    windowIndex,
    startMs,
    endMs,
    overtalkCount,
    overtalkMs: overtalkFrames * hopMs,
    mutualSilenceMs: silence * hopMs,
    longestMutualSilenceMs: longest * hopMs,
    talkRatioAgent: talk > 0 ? agentFrames / talk : NaN,
    agentResponseLatencyMs: agentLat,
    customerResponseLatencyMs: customerLat,
  };
}
