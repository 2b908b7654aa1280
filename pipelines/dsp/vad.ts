// Energy voice-activity detector with a minimum-statistics noise floor (Martin 2001, IEEE TSAP
// 9(5): minimum of the frame energies over ~4 s, tracked in blocks, starting from a prior), a
// periodicity gate (speech contains voiced frames: stationary noise does not) and a hangover.
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
  update(energyDb: number, voiced: boolean): boolean;
}

export function createVad(): Vad {
  const mins = new Float64Array(BLOCKS).fill(PRIOR_FLOOR_DB);
  let blockMin = 0;
  let inBlock = 0;
  let block = 0;
  let hang = 0;
  let sinceVoiced = Infinity;
  return {
    update(energyDb, voiced) {
      if (inBlock === 0 || energyDb < blockMin) blockMin = energyDb;
      let floor = blockMin;
      for (let b = 0; b < BLOCKS; b++) if (mins[b] < floor) floor = mins[b];
      if (++inBlock === BLOCK_FRAMES) {
        mins[block] = blockMin;
        block = (block + 1) % BLOCKS;
        inBlock = 0;
      }
      const loud = energyDb > ABS_FLOOR_DB && energyDb > floor + MARGIN_DB;
      sinceVoiced = voiced && loud ? 0 : sinceVoiced + 1;
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
