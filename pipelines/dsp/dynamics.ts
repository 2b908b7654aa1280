// Conversational dynamics of two speakers over one window, from their per-frame VAD: overtalk,
// mutual silence, talk ratio and response latencies (turn onset after the other speaker's last
// speech frame). Pure, no I/O.

import type { DynamicsWindow } from './types.ts';

/** A response is only counted if the other speaker stopped at most this long before (ms). */
export const MAX_RESPONSE_LATENCY_MS = 5000;

/** Per-frame VAD of both channels with an absolute frame offset (frames before it are dropped). */
export interface VadTrack {
  offset: number;
  length: number;
  data: Uint8Array;
}

export function createVadTrack(): VadTrack {
  return { offset: 0, length: 0, data: new Uint8Array(1024) };
}

export function appendVad(t: VadTrack, frame: number, speech: boolean): void {
  const idx = frame - t.offset;
  if (idx < 0) return;
  if (idx >= t.data.length) {
    const bigger = new Uint8Array(Math.max(t.data.length * 2, idx + 1));
    bigger.set(t.data.subarray(0, t.length));
    t.data = bigger;
  }
  for (let k = t.length; k < idx; k++) t.data[k] = 0;
  t.data[idx] = speech ? 1 : 0;
  t.length = Math.max(t.length, idx + 1);
}

export function vadAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.data[idx] : 0;
}

/** Drops frames before `frame` (keeps memory bounded). */
export function trimVad(t: VadTrack, frame: number): void {
  const drop = Math.min(t.length, frame - t.offset);
  if (drop <= 0) return;
  t.data.copyWithin(0, drop, t.length);
  t.length -= drop;
  t.offset += drop;
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
  let prevBoth = false;
  const agentLat: number[] = [];
  const customerLat: number[] = [];
  const maxBack = Math.round(MAX_RESPONSE_LATENCY_MS / hopMs);
  for (let i = first; i < end; i++) {
    const a = vadAt(agent, i);
    const c = vadAt(customer, i);
    agentFrames += a;
    customerFrames += c;
    const both = a === 1 && c === 1;
    if (both) {
      overtalkFrames++;
      if (!prevBoth) overtalkCount++;
    }
    prevBoth = both;
    if (a === 0 && c === 0) {
      silence++;
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
    // Turn onsets: this speaker starts while the other is silent and spoke last.
    for (const [me, other, lat] of [
      [agent, customer, agentLat],
      [customer, agent, customerLat],
    ] as const) {
      if (vadAt(me, i) !== 1 || vadAt(me, i - 1) !== 0 || vadAt(other, i) !== 0) continue;
      let j = i - 1;
      while (j >= i - maxBack && vadAt(other, j) === 0 && vadAt(me, j) === 0) j--;
      if (j >= i - maxBack && vadAt(other, j) === 1 && vadAt(me, j) === 0) lat.push((i - j - 1) * hopMs);
    }
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
