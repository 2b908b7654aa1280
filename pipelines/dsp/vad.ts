// Energy voice-activity detector with a minimum-statistics noise floor (Martin 2001, IEEE TSAP
// 9(5): minimum of the frame energies over ~4 s, tracked in blocks, starting from a prior), a
// periodicity gate (speech contains voiced frames: stationary noise does not), a hangover, and
// no speech at all during a steady telephone tone (tone-gate.ts) or music (music-gate.ts): periodic,
// but not a voice.
// Pure, no I/O.

const BLOCK_FRAMES = 50;
const BLOCKS = 8;
/** Noise floor assumed before any audio was seen (dBFS): quiet line noise. */
const PRIOR_FLOOR_DB = -70;
/** Speech must exceed the noise floor by this margin (dB). */
const MARGIN_DB = 12;
/** Absolute floor: quieter frames are never speech (dBFS). */
const ABS_FLOOR_DB = -60;
/** Unvoiced frames count as speech only within this many frames after a voiced one. */
const VOICED_REACH_FRAMES = 20;
const HANGOVER_FRAMES = 8;

export interface Vad {
  /**
   * `notVoice`: the frame is part of a steady tone (tone-gate.ts) or of music (music-gate.ts),
   * never speech, nor its hangover.
   */
  update(energyDb: number, voiced: boolean, notVoice: boolean): boolean;
}

export function createVad(): Vad {
  const mins = new Float64Array(BLOCKS).fill(PRIOR_FLOOR_DB);
  const st = new Float64Array(1); // block minimum (typed array: no boxing per update)
  let inBlock = 0;
  let block = 0;
  let hang = 0;
  let sinceVoiced = 1 << 30; // frames since a loud voiced frame (an integer: no boxing)
  return {
    update(energyDb, voiced, notVoice) {
      if (inBlock === 0 || energyDb < st[0]) st[0] = energyDb;
      let floor = st[0];
      for (let b = 0; b < BLOCKS; b++) if (mins[b] < floor) floor = mins[b];
      if (++inBlock === BLOCK_FRAMES) {
        mins[block] = st[0];
        block = (block + 1) % BLOCKS;
        inBlock = 0;
      }
      if (notVoice) {
        // Its loud frames are not "unvoiced speech near a voiced frame" either.
        sinceVoiced = 1 << 30;
        hang = 0;
        return false;
      }
      const loud = energyDb > ABS_FLOOR_DB && energyDb > floor + MARGIN_DB;
      sinceVoiced = voiced && loud ? 0 : Math.min(sinceVoiced + 1, 1 << 30);
      if (loud && sinceVoiced <= VOICED_REACH_FRAMES) {
        hang = HANGOVER_FRAMES;
        return true;
      }
      if (hang > 0) {
        hang--;
        return true;
      }
      return false;
    },
  };
}
