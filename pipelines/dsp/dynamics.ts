// Conversational dynamics of two speakers over one window, from their per-frame VAD and level:
// overtalk, mutual silence, talk ratio and response latencies (turn onset after the other
// speaker's last speech frame). Pure, no I/O.
//
// Overtalk is both speaking at once for at least MIN_OVERTALK_MS, with both voices at comparable
// levels. Gaps and overlaps between turns are measured from the two speakers' voice activity as in
// Heldner & Edlund (2010), "Pauses, gaps and overlaps in conversations", J. Phonetics 38(4); what
// is not overtalk here, measured on real turn-taking (nEMO clips as alternating turns): a latched
// handover (each VAD's 80 ms hangover made every turn change an "overlap" of 30-80 ms, 19 of them
// in 24 clean turns, and the repeated-overtalk alert fired on a polite call), a backchannel under
// the other's turn, and the other speaker's echo or crosstalk on a channel (the line's echo, at
// 25-35 dB below the talker, counted as 10-14 overtalks and up to 20 s of it in a 60 s call).

import type { DynamicsWindow } from './types.ts';

/** A response is only counted if the other speaker stopped at most this long before (ms). */
export const MAX_RESPONSE_LATENCY_MS = 5000;
/** Both speaking for less than this is a handover or a backchannel, not overtalk (ms). */
export const MIN_OVERTALK_MS = 300;
/**
 * The quieter channel's peak (its loudest frame in the last 100 ms) this far below the louder
 * one's: it carries the other voice's echo or crosstalk, not a second voice (dB). Network echo is
 * at least 20-30 dB down (ITU-T G.168's echo return loss); two voices talking over each other
 * are not.
 */
export const OVERTALK_BALANCE_DB = 20;

/** Per-frame VAD and level of one channel with an absolute frame offset (frames before it are dropped). */
export interface VadTrack {
  offset: number;
  length: number;
  /** The VAD as heard: 1 for speech, whoever's (the other's echo included). */
  data: Uint8Array;
  /** Frame energy (dBFS), parallel to `data`. */
  level: Float32Array;
  /** 1 where the heard speech is the other channel's echo (echo-gate.ts), parallel to `data`. */
  echo: Uint8Array;
}

export function createVadTrack(): VadTrack {
  return {
    offset: 0,
    length: 0,
    data: new Uint8Array(1024),
    level: new Float32Array(1024),
    echo: new Uint8Array(1024),
  };
}

export function appendVad(t: VadTrack, frame: number, speech: boolean, levelDb: number): void {
  const idx = frame - t.offset;
  if (idx < 0) return;
  if (idx >= t.data.length) {
    const size = Math.max(t.data.length * 2, idx + 1);
    const bigger = new Uint8Array(size);
    bigger.set(t.data.subarray(0, t.length));
    t.data = bigger;
    const louder = new Float32Array(size);
    louder.set(t.level.subarray(0, t.length));
    t.level = louder;
    const echo = new Uint8Array(size);
    echo.set(t.echo.subarray(0, t.length));
    t.echo = echo;
  }
  for (let k = t.length; k < idx; k++) {
    t.data[k] = 0;
    t.level[k] = -Infinity;
    t.echo[k] = 0;
  }
  t.data[idx] = speech ? 1 : 0;
  t.level[idx] = levelDb;
  t.echo[idx] = 0;
  t.length = Math.max(t.length, idx + 1);
}

/** The speaker's own speech at this frame: 1 when heard and not the other's echo. */
export function vadAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.data[idx] & (1 - t.echo[idx]) : 0;
}

/** Speech heard on the channel at this frame, whoever's: what the copy test compares. */
export function heardAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.data[idx] : 0;
}

/** Marks the heard speech at this frame as the other channel's echo (no-op outside the track). */
export function markEcho(t: VadTrack, frame: number): void {
  const idx = frame - t.offset;
  if (idx >= 0 && idx < t.length) t.echo[idx] = t.data[idx];
}

export function echoAt(t: VadTrack, frame: number): boolean {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length && t.echo[idx] === 1;
}

export function levelAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.level[idx] : -Infinity;
}

/** Drops frames before `frame` (keeps memory bounded). */
export function trimVad(t: VadTrack, frame: number): void {
  const drop = Math.min(t.length, frame - t.offset);
  if (drop <= 0) return;
  t.data.copyWithin(0, drop, t.length);
  t.level.copyWithin(0, drop, t.length);
  t.echo.copyWithin(0, drop, t.length);
  t.length -= drop;
  t.offset += drop;
}

/** Frames over which a channel's level is its loudest (100 ms at the 10 ms hop): a syllable's peak. */
const LEVEL_REACH_FRAMES = 10;

function recentPeakDb(t: VadTrack, frame: number): number {
  let peak = -Infinity;
  for (let j = frame - LEVEL_REACH_FRAMES + 1; j <= frame; j++) peak = Math.max(peak, levelAt(t, j));
  return peak;
}

/**
 * A copy of the other channel rather than a second voice: over the last COPY_SPAN_FRAMES (300
 * ms) the quieter channel's frame levels follow the louder one's, delayed 0-80 ms (Pearson r of
 * the two level tracks ≥ COPY_MIN_R, the louder one's syllables moving it by a standard deviation
 * of at least COPY_MIN_SWING_DB). That is a mono call on both channels (0 dB apart, which the
 * balance test cannot tell from two voices: every word was "overtalk") or a speakerphone's
 * acoustic echo 15-20 dB down (within the balance test's reach: 16-35 overtalks per call and an
 * overtalk alert, telephony probe). Two voices talking at once move with their own syllables.
 * The 0-80 ms delays cover a mono duplicate and a handset's acoustic echo path as the two legs
 * show it (ITU-T G.168 sizes echo tails from 64 ms; longer network echo is at least 20 dB down
 * and left to the balance test).
 */
export const COPY_SPAN_FRAMES = 30;
/**
 * Judged over the overlap's own frames once it has COPY_SPAN_FRAMES of them (before, it counts
 * as an overlap): a span reaching back before the overlap held the quieter channel's own last
 * words, and every turn the other speaker took over an echo began with 300 ms of "overtalk". And
 * judged until it has counted as overtalk, not after: re-judged at every frame over 10-30 frames,
 * two real voices followed each other by chance now and then, and real overtalk was cut short and
 * split (EmoDB speakers mixed over each other: 30 overtalks read 27, review).
 */
const COPY_MIN_FRAMES = COPY_SPAN_FRAMES;
export const COPY_MAX_LAG_FRAMES = 8;
const COPY_MIN_R = 0.9;
/** An echo this much quieter than its source at least (a speakerphone's acoustic coupling: 15-30 dB). */
const COPY_MIN_LOSS_DB = 6;
/** At the same level, only a near-exact copy is one: a mono call duplicated on both channels. */
const COPY_SAME_LEVEL_R = 0.99;
const COPY_MIN_SWING_DB = 2;

/**
 * The lag (frames) at which the quieter channel's levels over [frame - span + 1, frame] copy the
 * louder one's, or -1 when they do not. `sameLevel`: a copy at the same level counts (a mono
 * duplicate: for overtalk, where either channel may be the copy); the echo gate, which drops the
 * quieter channel's frames, takes only an echo quieter than its source.
 */
export function copyLag(
  quieter: VadTrack,
  louder: VadTrack,
  frame: number,
  span: number,
  sameLevel: boolean,
): number {
  for (let lag = 0; lag <= COPY_MAX_LAG_FRAMES; lag++)
    if (copyR(quieter, louder, frame, span, lag, sameLevel) > 0) return lag;
  return -1;
}

/**
 * Pearson r of the quieter channel's levels over [frame - span + 1, frame] with the louder one's
 * `lag` frames earlier when they are a copy at that lag (as copyLag judges it), else -1.
 */
export function copyR(
  quieter: VadTrack,
  louder: VadTrack,
  frame: number,
  span: number,
  lag: number,
  sameLevel: boolean,
): number {
  let n = 0;
  let sq = 0;
  let sl = 0;
  let sqq = 0;
  let sll = 0;
  let sql = 0;
  for (let j = frame - span + 1; j <= frame; j++) {
    // Frames where both speak only: the louder one's silence before its onset (-120 dBFS) paired
    // with the quieter one's last own word read as no copy for the whole span. Speech as heard:
    // an echo the gate has marked is still a copy.
    if (heardAt(quieter, j) !== 1 || heardAt(louder, j - lag) !== 1) continue;
    const q = levelAt(quieter, j);
    const l = levelAt(louder, j - lag);
    if (!Number.isFinite(q) || !Number.isFinite(l)) continue;
    n++;
    sq += q;
    sl += l;
    sqq += q * q;
    sll += l * l;
    sql += q * l;
  }
  // Most of the span seen.
  if (n < (span * 2) / 3) return -1;
  const varL = sll / n - (sl / n) ** 2;
  const varQ = sqq / n - (sq / n) ** 2;
  // A steady level (a hum, a held vowel) matches anything: no judgement from it.
  if (varL < COPY_MIN_SWING_DB ** 2 || varQ <= 0) return -1;
  const r = (sql / n - (sq / n) * (sl / n)) / Math.sqrt(varL * varQ);
  const lossDb = (sl - sq) / n;
  // An echo is quieter than its source; a copy at the same level is one only when exact (a mono
  // duplicate): two voices at one level can follow each other's syllables for a moment.
  if (r < COPY_MIN_R) return -1;
  if (lossDb >= COPY_MIN_LOSS_DB || (sameLevel && Math.abs(lossDb) < 1 && r >= COPY_SAME_LEVEL_R)) return r;
  return -1;
}

function copies(quieter: VadTrack, louder: VadTrack, frame: number, span: number): boolean {
  return copyLag(quieter, louder, frame, span, true) >= 0;
}

/** Both speak at this frame at comparable levels (neither channel only the other's distant echo). */
function bothAt(agent: VadTrack, customer: VadTrack, frame: number): boolean {
  return (
    vadAt(agent, frame) === 1 &&
    vadAt(customer, frame) === 1 &&
    Math.abs(recentPeakDb(agent, frame) - recentPeakDb(customer, frame)) <= OVERTALK_BALANCE_DB
  );
}

/** One channel is a copy of the other at this frame of a both-speaking run (judged from its COPY_MIN_FRAMES-th frame). */
function copyAt(agent: VadTrack, customer: VadTrack, frame: number): boolean {
  let span = 1;
  while (span < COPY_SPAN_FRAMES && bothAt(agent, customer, frame - span)) span++;
  if (span < COPY_MIN_FRAMES) return false;
  return recentPeakDb(agent, frame) >= recentPeakDb(customer, frame)
    ? copies(customer, agent, frame, span)
    : copies(agent, customer, frame, span);
}

/**
 * The overlap's length after this frame: 0 unless both speak at comparable levels; a copy of the
 * other channel is no overlap until the run has counted as overtalk, after which it runs on.
 */
function nextOverlap(
  agent: VadTrack,
  customer: VadTrack,
  frame: number,
  overlap: number,
  min: number,
): number {
  if (!bothAt(agent, customer, frame)) return 0;
  if (overlap >= min) return overlap + 1;
  return copyAt(agent, customer, frame) ? 0 : overlap + 1;
}

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
  /** Frames on hold (either channel): hold time, not mutual silence (absent: none). */
  heldAt?: (frame: number) => boolean,
): DynamicsWindow {
  let overtalkCount = 0;
  let heldFrames = 0;
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
  // The overlap going on when the window starts (its frames so far; counted before when long enough).
  // Played forward from the start of the both-speaking run it is in, as the frames before did.
  let runStart = first;
  while (runStart > Math.max(agent.offset, customer.offset) && bothAt(agent, customer, runStart - 1))
    runStart--;
  let overlap = 0;
  for (let j = runStart; j < first; j++) overlap = nextOverlap(agent, customer, j, overlap, minOverlap);
  for (let i = first; i < end; i++) {
    if (heldAt?.(i) === true) {
      // Hold is not silence: music or nothing played to the customer while the agent is away. It
      // also ends a silence run, so a hold between two pauses does not join them. Nor is it the
      // conversation: hold music the speech gate misses is no one's talk or overtalk (it read as
      // the agent's talk, and as overtalk with a customer talking in the room: review).
      heldFrames++;
      run = 0;
      overlap = 0;
      continue;
    }
    const a = vadAt(agent, i);
    const c = vadAt(customer, i);
    agentFrames += a;
    customerFrames += c;
    overlap = nextOverlap(agent, customer, i, overlap, minOverlap);
    if (overlap > 0) {
      if (overlap > minOverlap) overtalkFrames++;
      else if (overlap === minOverlap) {
        // Counted where it became overtalk, with the part of it already in this window.
        overtalkCount++;
        overtalkFrames += Math.min(overlap, i - first + 1);
      }
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
    ...(heldFrames > 0 ? { holdMs: heldFrames * hopMs } : {}),
  };
}
