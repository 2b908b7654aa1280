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
  // [re, im of the last DFT coefficient, the judged comb's line power, a line's power] (typed: no
  // boxing)
  const st = new Float64Array(4);
  let phase = 0; // position of the next sample in the period
  let sinceCheck = 0;
  let found = 0; // checks in a row with a hum (> 0) or without (< 0)
  let engagedHz = 0;
  let runHz = 0; // the mains frequency of the current run of checks

  /**
   * Power of the average's line at bin j into st[3], its DFT coefficient into st[0], st[1] (a
   * double returned from a call V8 does not inline is boxed: an allocation). Every sample of the
   * average: on every second one, a µ-law tone pair's distortion at 3-4 kHz folded onto the comb.
   */
  function line(j: number): void {
    let re = 0;
    let im = 0;
    let idx = 0;
    for (let n = 0; n < period; n++) {
      re += average[n] * cos[idx];
      im -= average[n] * sin[idx];
      idx += j;
      if (idx >= period) idx -= period;
    }
    st[0] = re;
    st[1] = im;
    // A sinusoid of amplitude A reads |X| = A·period/2; its power is A²/2.
    const a = (2 * Math.sqrt(re * re + im * im)) / period;
    st[3] = (a * a) / 2;
  }

  /** Lines of `mainsHz` that stand out; leaves their power in st[2]. */
  function judge(mainsHz: number): number {
    const step = Math.round(mainsHz / bin);
    const lines = linesOf(mainsHz);
    let strongest = 0;
    for (let k = 1; k <= lines; k++) {
      const j = k * step;
      line(j - 1);
      neighbourPower[k - 1] = st[3] / 2;
      line(j + 1);
      neighbourPower[k - 1] += st[3] / 2;
      line(j);
      linePower[k - 1] = st[3];
      strongest = Math.max(strongest, linePower[k - 1]);
    }
    // Lines far below the strongest are a tone's distortion (µ-law), not a hum's harmonics.
    const least = Math.max(strongest * LINE_SPAN, LINE_FLOOR);
    let strong = 0;
    let total = 0;
    for (let k = 1; k <= lines; k++) {
      const p = linePower[k - 1];
      const n = neighbourPower[k - 1];
      if (p > LINE_OVER_NEIGHBOURS * n && p >= least) {
        strong++;
        total += p;
      }
    }
    st[2] = total;
    return strong;
  }

  /**
   * The comb found now (50 or 60), or 0: the one whose outstanding lines carry the more power, and
   * carried about as much at the last check (a hum is fed on, in her pauses too; a tone that
   * stopped fades from the average, 4 dB a second).
   */
  function findComb(): number {
    let best = 0;
    let bestPower = 0;
    const minPower = 10 ** (HUM_MIN_DBFS / 10);
    for (let m = 0; m < MAINS_HZ.length; m++) {
      const strong = judge(MAINS_HZ[m]);
      const total = strong >= MIN_LINES && st[2] >= minPower ? st[2] : 0;
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
   * The hum to subtract: the average projected on every line of `mainsHz` up to TOP_HZ (once a
   * comb is found, a line the voice hides in one check is still the hum's).
   */
  function rebuildHum(mainsHz: number): void {
    const step = Math.round(mainsHz / bin);
    hum.fill(0);
    const lines = linesOf(mainsHz);
    for (let k = 1; k <= lines; k++) {
      const j = k * step;
      line(j);
      // x[n] = (2/N)·(re·cos − im·sin) for the line's coefficient re + i·im (im has sin's minus).
      const re = (2 * st[0]) / period;
      const im = (2 * st[1]) / period;
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
    if (engagedHz > 0) rebuildHum(engagedHz);
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
