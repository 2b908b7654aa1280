// Fixed-lag Viterbi path through per-frame pitch candidates, with Praat's path costs (Boersma
// 1993; Praat "Sound: To Pitch (ac)": voiced/unvoiced cost, octave-jump cost × |log2 f1/f2|).
// Praat searches the whole sound; streaming, the decision for a frame is taken LAG frames later
// by backtracking from the best current state. Pure, no I/O, no allocation per frame.

import { MAX_CANDIDATES, type PitchCandidates } from './pitch.ts';

/** Praat defaults (time step 10 ms, so no time-step correction). */
export const OCTAVE_JUMP_COST = 0.35;
export const VOICED_UNVOICED_COST = 0.14;
/** Decision delay in frames (200 ms at a 10 ms hop). */
export const PATH_LAG = 20;

const STATES = MAX_CANDIDATES + 1; // state 0 = unvoiced

export interface PitchDecision {
  f0Hz: number; // 0 = unvoiced
  r: number; // normalised ACF height of the chosen candidate (0 when unvoiced)
}

export interface PitchPath {
  /** Adds the next frame's candidates (frames consecutive from 0), the unvoiced one's strength included. */
  add(c: PitchCandidates): void;
  /** Decides the oldest undecided frame if it is at least PATH_LAG old (or `force`); false if none. */
  decide(force: boolean, out: PitchDecision): boolean;
}

export function createPitchPath(): PitchPath {
  const depth = PATH_LAG + 2;
  const freq = new Float64Array(depth * STATES);
  const logf = new Float64Array(depth * STATES); // log2 of freq, 0 for the unvoiced state
  const rr = new Float64Array(depth * STATES);
  const count = new Int32Array(depth);
  const back = new Int8Array(depth * STATES);
  let score = new Float64Array(STATES);
  let next = new Float64Array(STATES);
  let added = 0;
  let decided = 0;

  function add(c: PitchCandidates): void {
    // As a float (x − 0 is exact): a phi of the tagged field and a float64 load below would
    // otherwise be kept tagged, boxing a double per state.
    const uv = c.unvoicedStrength - 0;
    // The module's constants likewise: loaded tagged, they kept the `jump` phi tagged, and every
    // octave-jump cost was boxed (up to 49 per frame).
    const voicingCost = VOICED_UNVOICED_COST - 0;
    const octaveCost = OCTAVE_JUMP_COST - 0;
    const slot = added % depth;
    const base = slot * STATES;
    const n = c.count + 1;
    count[slot] = n;
    freq[base] = 0;
    rr[base] = 0;
    logf[base] = 0;
    for (let k = 0; k < c.count; k++) {
      freq[base + k + 1] = c.freqHz[k];
      logf[base + k + 1] = Math.log2(c.freqHz[k]);
      rr[base + k + 1] = c.r[k];
    }
    if (added === 0) {
      for (let k = 0; k < n; k++) {
        score[k] = k === 0 ? uv : c.strength[k - 1];
        back[base + k] = 0;
      }
    } else {
      const pslot = (added - 1) % depth;
      const pbase = pslot * STATES;
      const pn = count[pslot];
      for (let k = 0; k < n; k++) {
        let best = -Infinity;
        let arg = 0;
        const f2 = freq[base + k];
        const l2 = logf[base + k];
        for (let j = 0; j < pn; j++) {
          // Transition cost (Praat): 0 unvoiced→unvoiced, VOICED_UNVOICED_COST across voicing,
          // OCTAVE_JUMP_COST·|Δlog2 f| voiced→voiced. Inline: no boxed doubles per call.
          const f1 = freq[pbase + j];
          let jump = 0;
          if (f1 === 0 || f2 === 0) {
            if (f1 !== f2) jump = voicingCost;
          } else {
            const dl = logf[pbase + j] - l2;
            jump = octaveCost * (dl < 0 ? -dl : dl);
          }
          const v = score[j] - jump;
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        next[k] = best + (k === 0 ? uv : c.strength[k - 1]);
        back[base + k] = arg;
      }
      // Keep scores near 0 (only differences matter) so long calls lose no precision.
      let top = -Infinity;
      for (let k = 0; k < n; k++) if (next[k] > top) top = next[k];
      for (let k = 0; k < n; k++) next[k] -= top;
      const t = score;
      score = next;
      next = t;
    }
    added++;
  }

  function decide(force: boolean, out: PitchDecision): boolean {
    if (decided >= added || (!force && added - decided <= PATH_LAG)) return false;
    // Best current state, then backtrack to frame `decided`.
    const last = (added - 1) % depth;
    let state = 0;
    for (let k = 1; k < count[last]; k++) if (score[k] > score[state]) state = k;
    for (let f = added - 1; f > decided; f--) state = back[(f % depth) * STATES + state];
    const base = (decided % depth) * STATES;
    out.f0Hz = freq[base + state];
    out.r = rr[base + state];
    decided++;
    return true;
  }

  return { add, decide };
}
