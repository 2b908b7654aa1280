// Mains hum under a speaker's voice (a ground loop on an analogue line): found, then subtracted
// before any feature is measured (the VAD's noise floor settled on the hum and asked her voice
// for 12 dB more). A 50 or 60 Hz hum and its harmonics repeat every 0.1 s (5 periods of 50 Hz, 6
// of 60 Hz): a running average of the audio over that period (synchronous averaging, a comb
// filter) keeps the hum and averages the voice, whose pitch never holds still for seconds,
// towards nothing. The hum's lines are read off that average (a DFT at the mains harmonics and at
// their neighbours 10 Hz away: the voice's leakage, a cadenced tone's sidebands); once a comb of them has stood out, steady, for seconds,
// the average projected on that mains frequency's lines up to 1 kHz is subtracted from every
// sample: the subtraction procedure for power-line interference of Levkov et al. 2005
// (BioMedical Engineering OnLine 4:50, "Removal of power-line interference from the ECG: a review
// of the subtraction procedure"), its template limited to the mains lines. Without a hum nothing
// is changed: the samples pass untouched (clean calls bit-identical). Limits: what the average
// still holds of the voice at those lines is subtracted with the hum; the period is the nominal
// one, so a grid off its frequency drifts against it (pipelines/dsp/README.md, "Mains hum under
// the voice"). Pure, no I/O, no allocation per sample or frame.

/** Period of the average (s): a whole number of periods of 50 and of 60 Hz. */
const PERIOD_S = 0.1;
/** Time constant of the average (s): the hum is constant over seconds, a voice's pitch is not. */
const AVERAGE_S = 2;
/** The lines are judged this often (s). */
const CHECK_S = 1;
/** Highest harmonic looked at (Hz): a ground loop's hum is strongest low; speech dominates above. */
const TOP_HZ = 1000;
/** A line stands out of the voice's leakage by this power ratio (10 dB) to count towards a hum. */
const LINE_OVER_NEIGHBOURS = 10;
/**
 * A line counts within this power ratio (30 dB) of the comb's strongest: a hum's 15th harmonic is
 * 24 dB under its fundamental, a µ-law tone's distortion products lower.
 */
const LINE_SPAN = 1e-3;
/** Nor does a line under this power (-90 dBFS): a digital tone's rounding. */
const LINE_FLOOR = 1e-9;
/** Lines that must stand out: a telephone tone has one or two, a hum a comb of them. */
const MIN_LINES = 3;
/** The hum's lines together at least this power (dBFS): a quieter hum leaves the VAD its speech. */
export const HUM_MIN_DBFS = -60;
/** A comb's power from one check to the next stays within this ratio (3 dB) while a hum is fed. */
const STEADY_RATIO = 2;
/** Checks in a row a hum must be found before it is subtracted, and missed before it no longer is. */
const ENGAGE_CHECKS = 3;
const RELEASE_CHECKS = 3;
/** Their power (linear, re full scale²). */
const MIN_POWER = 10 ** (HUM_MIN_DBFS / 10);
/** DFT bins read in one pass over the average. */
const BINS_PER_PASS = 4;
/** Mains frequencies looked for (Hz). */
const MAINS_HZ = [50, 60] as const;

export interface MainsHumRemover {
  /**
   * Reads ring[t0, t0 + count) (masked indices, sample t0 the stream's t0-th) and, while a hum is
   * found, subtracts it there in place.
   */
  process(ring: Float32Array, mask: number, t0: number, count: number): void;
  /** The mains frequency being subtracted (50 or 60), or 0. */
  mainsHz(): number;
}

export function createMainsHumRemover(sampleRateHz: number): MainsHumRemover {
  const period = Math.round(sampleRateHz * PERIOD_S);
  // The analysis rate (8 kHz) always has one; another rate without a whole period is left alone.
  if (period !== sampleRateHz * PERIOD_S) return { process() {}, mainsHz: () => 0 };
  const bin = sampleRateHz / period; // 10 Hz between the average's DFT bins
  const alpha = 1 / (AVERAGE_S / PERIOD_S);
  const checkEvery = Math.round(sampleRateHz * CHECK_S);
  const average = new Float64Array(period);
  const hum = new Float64Array(period);
  const cos = new Float64Array(period);
  const sin = new Float64Array(period);
  for (let n = 0; n < period; n++) {
    cos[n] = Math.cos((2 * Math.PI * n) / period);
    sin[n] = Math.sin((2 * Math.PI * n) / period);
  }
  // Per harmonic of the mains frequency judged: its power and its neighbours' (the voice's leakage).
  const linesOf = (mainsHz: number): number =>
    Math.floor(Math.min(TOP_HZ, sampleRateHz / 2 - 2 * bin) / mainsHz);
  const linePower = new Float64Array(linesOf(MAINS_HZ[0]));
  const neighbourPower = new Float64Array(linePower.length);
  // Each mains frequency's outstanding line power at the last check (0: no comb).
  const combPower = new Float64Array(MAINS_HZ.length);
  let phase = 0; // position of the next sample in the period
  let sinceCheck = 0;
  let found = 0; // checks in a row with a hum (> 0) or without (< 0)
  let engagedHz = 0;
  let runHz = 0; // the mains frequency of the current run of checks

  // Every bin judged (the mains lines of 50 and 60 Hz and their neighbours, each once: 50 and 60
  // Hz share many), padded to whole groups of BINS_PER_PASS; slotOf[j] is bin j's place, or -1.
  const slotOf = new Int32Array(period).fill(-1);
  const judged: number[] = [];
  for (const mainsHz of MAINS_HZ) {
    const step = Math.round(mainsHz / bin);
    for (let k = 1; k <= linesOf(mainsHz); k++) {
      for (const j of [k * step - 1, k * step, k * step + 1]) {
        if (slotOf[j] < 0) {
          slotOf[j] = judged.length;
          judged.push(j);
        }
      }
    }
  }
  while (judged.length % BINS_PER_PASS !== 0) judged.push(judged[judged.length - 1]);
  const bins = Int32Array.from(judged);
  const binRe = new Float64Array(bins.length);
  const binIm = new Float64Array(bins.length);
  const binPower = new Float64Array(bins.length);
  let binsFresh = false; // the bins hold this check's average

  /**
   * The comb found now (50 or 60), or 0: the one whose outstanding lines carry the more power, and
   * carried about as much at the last check (a hum is fed on, in her pauses too; a tone that
   * stopped fades from the average, 4 dB a second). One function with the DFT's long loops: V8
   * optimises it at once, where a helper run once a second would stay in the interpreter, which
   * boxes every double it computes (an allocation each).
   */
  function findComb(): number {
    binsFresh = false;
    // Parseval: the lines together cannot carry more than the whole average, so a channel quieter
    // than a comb needs (at half the bound, for rounding) is no comb: its DFT is skipped.
    let sum = 0;
    for (let n = 0; n < period; n++) sum += average[n] * average[n];
    if (sum / period < MIN_POWER / 2) {
      combPower.fill(0);
      return 0;
    }
    readBins();
    let best = 0;
    let bestPower = 0;
    for (let m = 0; m < MAINS_HZ.length; m++) {
      // Lines of this mains frequency that stand out, and their power.
      const step = Math.round(MAINS_HZ[m] / bin);
      const lines = linesOf(MAINS_HZ[m]);
      let strongest = 0;
      for (let k = 1; k <= lines; k++) {
        const j = k * step;
        neighbourPower[k - 1] = binPower[slotOf[j - 1]] / 2;
        neighbourPower[k - 1] += binPower[slotOf[j + 1]] / 2;
        linePower[k - 1] = binPower[slotOf[j]];
        if (linePower[k - 1] > strongest) strongest = linePower[k - 1];
      }
      // Lines far below the strongest are a tone's distortion (µ-law), not a hum's harmonics.
      const least = strongest * LINE_SPAN > LINE_FLOOR ? strongest * LINE_SPAN : LINE_FLOOR;
      let strong = 0;
      let linesTotal = 0;
      for (let k = 1; k <= lines; k++) {
        const p = linePower[k - 1];
        if (p > LINE_OVER_NEIGHBOURS * neighbourPower[k - 1] && p >= least) {
          strong++;
          linesTotal += p;
        }
      }
      const total = strong >= MIN_LINES && linesTotal >= MIN_POWER ? linesTotal : 0;
      const before = combPower[m];
      combPower[m] = total;
      const steady = total > 0 && total <= before * STEADY_RATIO && total * STEADY_RATIO >= before;
      if (steady && total > bestPower) {
        best = MAINS_HZ[m];
        bestPower = total;
      }
    }
    return best;
  }

  /**
   * The average's DFT at every judged bin, into binRe/binIm and binPower (a sinusoid of amplitude
   * A reads |X| = A·period/2; its power A²/2). Four bins per pass over the average: eight
   * independent sums keep the floating-point adder busy where one pair waited on itself (each
   * bin's sum in the same order as alone: the same bits). Every sample of the average: on every
   * second one, a µ-law tone pair's distortion at 3-4 kHz folded onto the comb.
   */
  function readBins(): void {
    for (let s = 0; s < bins.length; s += BINS_PER_PASS) readPass(s);
    for (let s = 0; s < bins.length; s++) {
      const re = binRe[s];
      const im = binIm[s];
      const a = (2 * Math.sqrt(re * re + im * im)) / period;
      binPower[s] = (a * a) / 2;
    }
    binsFresh = true;
  }

  /**
   * Bins s to s + 3 (a loop of its own, not nested: V8 optimises a hot loop in place, and leaving
   * an inner loop so optimised throws that code away).
   */
  function readPass(s: number): void {
    const j0 = bins[s];
    const j1 = bins[s + 1];
    const j2 = bins[s + 2];
    const j3 = bins[s + 3];
    let re0 = 0, im0 = 0, re1 = 0, im1 = 0, re2 = 0, im2 = 0, re3 = 0, im3 = 0; // prettier-ignore
    let i0 = 0, i1 = 0, i2 = 0, i3 = 0; // prettier-ignore
    for (let n = 0; n < period; n++) {
      const x = average[n];
      re0 += x * cos[i0];
      im0 -= x * sin[i0];
      re1 += x * cos[i1];
      im1 -= x * sin[i1];
      re2 += x * cos[i2];
      im2 -= x * sin[i2];
      re3 += x * cos[i3];
      im3 -= x * sin[i3];
      i0 += j0;
      if (i0 >= period) i0 -= period;
      i1 += j1;
      if (i1 >= period) i1 -= period;
      i2 += j2;
      if (i2 >= period) i2 -= period;
      i3 += j3;
      if (i3 >= period) i3 -= period;
    }
    // Stored here, not returned: a double returned from a call V8 does not inline is boxed.
    binRe[s] = re0;
    binIm[s] = im0;
    binRe[s + 1] = re1;
    binIm[s + 1] = im1;
    binRe[s + 2] = re2;
    binIm[s + 2] = im2;
    binRe[s + 3] = re3;
    binIm[s + 3] = im3;
  }

  /**
   * The hum to subtract: the average projected on every line of `mainsHz` up to TOP_HZ (once a
   * comb is found, a line the voice hides in one check is still the hum's).
   */
  function rebuildHum(mainsHz: number): void {
    const step = Math.round(mainsHz / bin);
    hum.fill(0);
    const lines = linesOf(mainsHz);
    for (let k = 1; k <= lines; k++) {
      const j = k * step;
      // x[n] = (2/N)·(re·cos − im·sin) for the line's coefficient re + i·im (im has sin's minus).
      const re = (2 * binRe[slotOf[j]]) / period;
      const im = (2 * binIm[slotOf[j]]) / period;
      let idx = 0;
      for (let n = 0; n < period; n++) {
        hum[n] += re * cos[idx] - im * sin[idx];
        idx += j;
        if (idx >= period) idx -= period;
      }
    }
  }

  function check(): void {
    const hz = findComb();
    // A run counts checks that found the same mains frequency (the one subtracted, once engaged).
    if (hz > 0 && hz === runHz) found = found > 0 ? found + 1 : 1;
    else if (hz > 0 && engagedHz === 0) found = 1;
    else found = found < 0 ? found - 1 : -1;
    if (hz > 0 && engagedHz === 0) runHz = hz;
    if (engagedHz === 0 && found >= ENGAGE_CHECKS) engagedHz = hz;
    else if (engagedHz > 0 && found <= -RELEASE_CHECKS) engagedHz = 0;
    if (engagedHz > 0) {
      if (!binsFresh) readBins();
      rebuildHum(engagedHz);
    }
  }

  return {
    process(ring, mask, t0, count) {
      let p = phase;
      for (let i = 0; i < count; i++) {
        const at = (t0 + i) & mask;
        const v = ring[at];
        average[p] += alpha * (v - average[p]);
        if (engagedHz > 0) ring[at] = v - hum[p];
        if (++p === period) p = 0;
        if (++sinceCheck === checkEvery) {
          sinceCheck = 0;
          check();
        }
      }
      phase = p;
    },
    mainsHz: () => engagedHz,
  };
}
