// Telephone tones are not speech: a ringback, dial, busy or fax tone is loud and periodic, so the
// energy VAD with its periodicity gate (vad.ts) took its bursts for speech (a ringback read as a
// "tense" caller, and its bursts taught the calm-start baseline a tone as the caller's voice). A
// network tone holds its frequency to a fraction of a cent; a voice never does: over 200 ms of
// voiced frames the F0 of the 7 907 corpus clips voiced that long (`../shared/data`, 7 corpora,
// 8 kHz) spanned at least 3.8 cents (over 150 ms: 2.5), the tones tried (440 Hz; 440+480,
// 400+450 and 350+440 Hz pairs; 2100 Hz; 120 Hz; µ-law at -40 dBFS) at most 0.73, and the
// corpora's features are unchanged by this gate to the last digit (eval:emotion's feature cache
// compared). 200 ms, not longer: a UK ringback's bursts last 400 ms. Limit: a tone under strong
// line noise (20 dB SNR) jitters the F0 estimate by about 12 cents and is not caught. Pure, no
// I/O; no allocation per frame.

/** Consecutive voiced frames (10 ms hop: 200 ms) whose F0 must hold still. */
export const TONE_FRAMES = 20;
/** Largest F0 span (max/min, cents) over those frames that still counts as a steady tone. */
export const TONE_MAX_CENTS = 1.5;

/**
 * Once locked, the tone holds while F0 stays this close (cents) to the locked frequency: at a
 * burst's end the estimate drifts by about 12 cents over its last frames, which read as speech
 * (and their hangover) before.
 */
export const TONE_HOLD_CENTS = 30;

/**
 * A cadenced tone (busy 0.5 s on / 0.5 s off, reorder 0.25 / 0.25, UK ringback 0.4 / 0.2 / 0.4 /
 * 2): a burst within this many frames (5 s) of the last tone frame locks again after
 * RELOCK_FRAMES steady frames within RELOCK_CENTS of that tone, not TONE_FRAMES (each burst read as
 * 190 ms of speech, up to 0.38 of a window for a reorder tone: review). Such a lock is provisional
 * until its run has been as steady as a tone for TONE_FRAMES or ended in silence; one that goes on
 * voiced DOUBT_FRAMES after it stopped being steady, or leaves the hold band (a voice near the
 * tone's pitch), lets go and forgets the tone.
 */
export const REMEMBER_FRAMES = 500;
export const RELOCK_FRAMES = 5;
export const RELOCK_CENTS = 5;
/** Voiced frames a provisional run may go on after it stopped being steady (a burst's end: 3-4). */
export const DOUBT_FRAMES = 6;

const MAX_RATIO = Math.pow(2, TONE_MAX_CENTS / 1200);
const HOLD_RATIO = Math.pow(2, TONE_HOLD_CENTS / 1200);
const RELOCK_RATIO = Math.pow(2, RELOCK_CENTS / 1200);

const within = (a: number, b: number, ratio: number): boolean => a <= b * ratio && b <= a * ratio;

export interface ToneGate {
  /**
   * True once the last TONE_FRAMES frames were all voiced within TONE_MAX_CENTS of each other (or
   * RELOCK_FRAMES of them, near a tone heard within REMEMBER_FRAMES), and then while F0 stays
   * within TONE_HOLD_CENTS of that tone.
   */
  steady(f0Hz: number): boolean;
}

export function createToneGate(): ToneGate {
  const ring = new Float64Array(TONE_FRAMES);
  let next = 0;
  let voicedRun = 0;
  let lockedHz = 0; // the tone's frequency while one holds, else 0
  let lastToneHz = 0; // the last tone heard, else 0
  let sinceTone = REMEMBER_FRAMES + 1; // frames since its last frame

  /** Lowest and highest of the newest `n` frames of the ring, within `ratio` of each other. */
  const steadyOver = (n: number): boolean => {
    let lo = Infinity;
    let hi = 0;
    for (let k = 1; k <= n; k++) {
      const v = ring[(next - k + TONE_FRAMES) % TONE_FRAMES];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi <= lo * MAX_RATIO;
  };

  let provisional = false; // locked by a re-lock, not yet shown to be the tone
  let provisionalLo = 0; // F0 range of the re-locked run so far
  let provisionalHi = 0;
  let provisionalFrames = 0;
  let doubtFrames = -1; // frames since a provisional run stopped being steady, -1 = none

  /** Lets go of the lock and forgets the tone: what it locked on was a voice. */
  const forget = (): boolean => {
    lockedHz = 0;
    lastToneHz = 0;
    provisional = false;
    doubtFrames = -1;
    return false;
  };

  return {
    steady(f0Hz) {
      if (sinceTone <= REMEMBER_FRAMES) sinceTone++;
      if (!(f0Hz > 0)) {
        // A provisional run that ends in silence (steady, or drifting for at most DOUBT_FRAMES)
        // was a burst of the tone: it renews the memory (the tone's frequency stays the one a
        // full lock heard).
        if (provisional) sinceTone = 0;
        voicedRun = 0;
        lockedHz = 0;
        provisional = false;
        doubtFrames = -1;
        return false;
      }
      ring[next] = f0Hz;
      next = (next + 1) % TONE_FRAMES;
      voicedRun = Math.min(voicedRun + 1, TONE_FRAMES);
      if (lockedHz > 0 && within(f0Hz, lockedHz, HOLD_RATIO)) {
        if (!provisional) {
          sinceTone = 0;
          return true;
        }
        // A re-locked run is the tone only if it stays as steady as one until it could have
        // locked on its own; a voice near the tone's pitch does not (it was held as a tone for
        // its whole run, and each re-lock renewed the memory: review). A burst's end drifts too,
        // then falls silent: a run still voiced DOUBT_FRAMES after it stopped being steady is a
        // voice, and the tone is forgotten.
        provisionalLo = Math.min(provisionalLo, f0Hz);
        provisionalHi = Math.max(provisionalHi, f0Hz);
        if (doubtFrames < 0 && provisionalHi > provisionalLo * MAX_RATIO) doubtFrames = 0;
        if (doubtFrames >= 0) return ++doubtFrames > DOUBT_FRAMES ? forget() : true;
        if (++provisionalFrames >= TONE_FRAMES) {
          provisional = false;
          lastToneHz = lockedHz;
          sinceTone = 0;
        }
        return true;
      }
      // Out of the hold band: a provisional lock was on a voice (a tone's end drifts ~12 cents).
      if (provisional) return forget();
      lockedHz = 0;
      if (voicedRun >= TONE_FRAMES && steadyOver(TONE_FRAMES)) {
        lockedHz = f0Hz;
        lastToneHz = f0Hz;
        sinceTone = 0;
        return true;
      }
      if (
        sinceTone <= REMEMBER_FRAMES &&
        voicedRun >= RELOCK_FRAMES &&
        within(f0Hz, lastToneHz, RELOCK_RATIO) &&
        steadyOver(RELOCK_FRAMES)
      ) {
        lockedHz = f0Hz;
        provisional = true;
        provisionalLo = Infinity;
        provisionalHi = 0;
        for (let k = 1; k <= RELOCK_FRAMES; k++) {
          const v = ring[(next - k + TONE_FRAMES) % TONE_FRAMES];
          provisionalLo = Math.min(provisionalLo, v);
          provisionalHi = Math.max(provisionalHi, v);
        }
        provisionalFrames = RELOCK_FRAMES;
        doubtFrames = -1;
        return true;
      }
      return false;
    },
  };
}
