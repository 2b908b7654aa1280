// Frame stage of one speaker: DC-blocked samples (a steady mains hum subtracted) in, one record of
// features per 10 ms hop out
// (pitch + voicing, energy, ZCR, VAD, meyda spectral features from one shared FFT, HNR, period
// marks for jitter/shimmer) into a FrameStore. Pitch is decided by a fixed-lag Viterbi, so a
// frame is final PATH_LAG frames after its audio arrived. Pure, no I/O, no allocation per frame.

import { createRealFft } from './fft.ts';
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { clearPeriodStats, createPeriodTracker, type PeriodStats } from './periods.ts';
import { createPitchPath, PATH_LAG, type PitchDecision } from './pitch-path.ts';
import { createDecimator, type Decimator } from './decimator.ts';
import {
  createPitchAnalyzer,
  createPitchCandidates,
  hnrAt,
  pitchFrameLength,
  windowTables,
} from './pitch.ts';
import { shared } from './scratch.ts';
import { createSpectralExtractor, createSpectralResult } from './spectral.ts';
import type { ResolvedOptions } from './options.ts';
import { createMainsHumRemover } from './mains-hum.ts';
import { createMusicGate } from './music-gate.ts';
import { createToneGate } from './tone-gate.ts';
import { createVad } from './vad.ts';

export interface FrameConfig {
  sampleRateHz: number;
  frameMs: number;
  hopMs: number;
  pitchMinHz: number;
  pitchMaxHz: number;
}

/** The frame settings of validated channel options: frames are analysed at the analysis rate. */
export function frameConfigOf(o: ResolvedOptions): FrameConfig {
  return {
    sampleRateHz: o.analysisRateHz,
    frameMs: o.frameMs,
    hopMs: o.hopMs,
    pitchMinHz: o.pitchMinHz,
    pitchMaxHz: o.pitchMaxHz,
  };
}

/**
 * Voicing threshold on the magnitude-spectrum autocorrelation (Praat uses 0.45 on the power
 * autocorrelation; the compressed one peaks lower) and Praat's silence threshold.
 */
export const VOICING_THRESHOLD = 0.2;
const SILENCE_THRESHOLD = 0.03;
/** Running reference peak for Praat's silence criterion decays by half in about 4 s. */
const PEAK_DECAY_PER_FRAME = Math.pow(0.5, 1 / 400);
const MIN_DB = -120;
/** Relative peak below which a frame's unvoiced strength (≥ VT + 1.8) beats any voiced path. */
const SKIP_PEAK = 0.005;

export interface FrameAnalyzer {
  readonly hop: number;
  /** Samples from a frame's start to the end of its longest analysis span. */
  readonly span: number;
  /** Feeds analysis-rate samples[0, count) (default all); calls onFrame(frameIndex) after each FINAL frame. */
  push(samples: Float32Array, count?: number): void;
  /** Pads with zeros until every frame that starts inside the audio is final. */
  flush(): void;
  framesDone(): number;
  samplesIn(): number;
}

interface SpectralScratch {
  sbuf: Float64Array;
  re: Float64Array;
  im: Float64Array;
  amp: Float64Array;
  hann: Float64Array;
}

export function createFrameAnalyzer(
  cfg: FrameConfig,
  store: FrameStore,
  onFrame: (frame: number) => void,
): FrameAnalyzer {
  const sr = cfg.sampleRateHz;
  const hop = Math.max(1, Math.round((sr * cfg.hopMs) / 1000));
  const frameLen = Math.max(8, Math.round((sr * cfg.frameMs) / 1000));
  // Pitch candidates at 4 kHz when the hop allows it (harmonics below 2 kHz suffice; a quarter
  // of the cost); HNR and period marks stay at the full rate.
  const factor = sr % 4000 === 0 && sr > 4000 && hop % (sr / 4000) === 0 ? sr / 4000 : 1;
  const pitch = createPitchAnalyzer(sr / factor, cfg.pitchMinHz, Math.min(cfg.pitchMaxHz, sr / factor / 4));
  const maxLagFull = Math.ceil(sr / cfg.pitchMinHz);
  const hnrTables = windowTables(sr, cfg.pitchMinHz, maxLagFull + 2);
  const L = pitchFrameLength(sr, cfg.pitchMinHz);
  const span = Math.max(L, frameLen);
  const pitchOffset = ((span - L) >> 1) - (((span - L) >> 1) % factor);
  const specOffset = (span - frameLen) >> 1;
  const decimator: Decimator | null = factor > 1 ? createDecimator(factor) : null;
  const delay = decimator ? decimator.delay : 0;
  let fftSize = 4;
  while (fftSize < frameLen) fftSize <<= 1;
  const fft = shared(`fft:${fftSize}`, () => createRealFft(fftSize));
  const spectral = shared(`spectral:${sr}:${fftSize}`, () => createSpectralExtractor(sr, fftSize));
  const sp = shared<SpectralScratch>(`spectral-scratch:${fftSize}:${frameLen}`, () => {
    const hann = new Float64Array(frameLen);
    for (let i = 0; i < frameLen; i++)
      hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (frameLen - 1 || 1));
    return {
      sbuf: new Float64Array(fftSize),
      re: new Float64Array(fftSize / 2 + 1),
      im: new Float64Array(fftSize / 2 + 1),
      amp: new Float64Array(fftSize / 2),
      hann,
    };
  });
  const cands = shared(`cands`, createPitchCandidates);
  const sres = shared(`sres`, createSpectralResult);
  const maxPeriod = Math.ceil(sr / cfg.pitchMinHz);
  // Per-channel state: sample ring long enough for the decision lag and period marks.
  let ringSize = 4;
  while (ringSize < span + delay + (PATH_LAG + 3) * hop + 3 * maxPeriod) ringSize <<= 1;
  const ring = new Float32Array(ringSize);
  const mask = ringSize - 1;
  let pitchRingSize = 4;
  while (pitchRingSize < (span + delay + 2 * hop) / factor) pitchRingSize <<= 1;
  const pitchRing = decimator ? new Float32Array(pitchRingSize) : ring;
  const pitchMask = decimator ? pitchRingSize - 1 : mask;
  const periods = createPeriodTracker(maxPeriod);
  const pstats: PeriodStats = { n: 0, sumT: 0, sumAbsDT: 0, pairs: 0, sumA: 0, sumAbsDA: 0, sumAbsDbA: 0 };
  const vad = createVad();
  const mainsHum = createMainsHumRemover(sr);
  const toneGate = createToneGate();
  const musicGate = createMusicGate(cfg.hopMs);
  const path = createPitchPath();
  const decision: PitchDecision = { f0Hz: 0, r: 0 };

  let total = 0; // samples written
  let analyzed = 0; // frames analysed (candidates known)
  let frames = 0; // frames final
  // Double-valued state in a typed array: closure slots would box every update (allocation).
  const st = new Float64Array(3); // [DC blocker x1, DC blocker y1, running reference peak]
  // One-pole DC blocker y = x − x1 + R·y1, corner ≈ 10 Hz (removes DC offsets of bad input).
  const dcR = 1 - (2 * Math.PI * 10) / sr;
  const d = store.data;
  const cap = store.capacity;

  function analyzeFrame(): void {
    const i = analyzed;
    const start = i * hop;
    // Frames below SKIP_PEAK of the reference peak are unvoiced whatever their candidates
    // (Praat's silence criterion outweighs any path cost), so their ACF is skipped.
    pitch.analyze(
      pitchRing,
      pitchMask,
      (start + pitchOffset + delay) / factor,
      st[2] * PEAK_DECAY_PER_FRAME * SKIP_PEAK,
      cands,
    );
    // Praat's unvoiced-candidate strength with a running reference peak.
    const peakRef = Math.max(st[2] * PEAK_DECAY_PER_FRAME, cands.peak);
    st[2] = peakRef;
    const rel = peakRef > 0 ? cands.peak / peakRef : 0;
    cands.unvoicedStrength =
      VOICING_THRESHOLD + Math.max(0, 2 - rel / (SILENCE_THRESHOLD / (1 + VOICING_THRESHOLD)));
    path.add(cands);

    const { sbuf, re, im, amp, hann } = sp;
    const x = ring; // locals, not closure slots (kept in registers)
    const m = mask;
    const n = frameLen;
    const s0 = start + specOffset;
    let sq = 0;
    let zc = 0;
    let prev = x[s0 & m];
    for (let k = 0; k < n; k++) {
      const v = x[(s0 + k) & m];
      sq += v * v;
      if (v >= 0 !== prev >= 0) zc++;
      prev = v;
      sbuf[k] = v * hann[k];
    }
    sbuf.fill(0, n);
    const meanSq = sq / n;
    fft.forward(sbuf, re, im);
    const bins = amp.length;
    for (let k = 0; k < bins; k++) amp[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]) + 1e-10;
    spectral.compute(amp, sres);
    const slot = i % cap;
    const energyDb = meanSq > 1e-12 ? 10 * Math.log10(meanSq) : MIN_DB;
    d[FRAME_FIELD.energyDb * cap + slot] = energyDb;
    d[FRAME_FIELD.bestR * cap + slot] = cands.count > 0 ? cands.r[0] : 0;
    d[FRAME_FIELD.zcr * cap + slot] = zc / n;
    d[FRAME_FIELD.centroidHz * cap + slot] = sres.centroidHz;
    d[FRAME_FIELD.flatness * cap + slot] = sres.flatness;
    d[FRAME_FIELD.slope * cap + slot] = sres.slope;
    d[FRAME_FIELD.rolloffHz * cap + slot] = sres.rolloffHz;
    d[FRAME_FIELD.loudness * cap + slot] = sres.loudness;
    d[FRAME_FIELD.alphaDb * cap + slot] = sres.alphaRatioDb;
    d[FRAME_FIELD.hammarbergDb * cap + slot] = sres.hammarbergDb;
    for (let k = 0; k < sres.mfcc.length; k++) d[(FRAME_FIELD.mfcc + k) * cap + slot] = sres.mfcc[k];
    analyzed++;
    while (path.decide(false, decision)) finalize();
  }

  /** Completes the oldest analysed frame with its pitch decision. */
  function finalize(): void {
    const i = frames;
    const slot = i % cap;
    const start = i * hop;
    const f0 = decision.f0Hz;
    const period = f0 > 0 ? sr / f0 : 0;
    clearPeriodStats(pstats);
    const centre = start + (span >> 1);
    periods.process(ring, mask, total, centre - (hop >> 1), centre - (hop >> 1) + hop, period, pstats);
    d[FRAME_FIELD.f0 * cap + slot] = f0;
    d[FRAME_FIELD.voicing * cap + slot] = decision.r;
    // HNR on every second voiced frame: windows report its mean over voiced frames, and the
    // 50-ms analysis windows of neighbouring frames overlap by 80 %, so this halves the cost only.
    d[FRAME_FIELD.hnrDb * cap + slot] =
      f0 > 0 && (i & 1) === 0 ? hnrAt(hnrTables, ring, mask, start + pitchOffset, period) : NaN;
    // Both gates see every frame (each keeps its own history); either one makes it not a voice. A
    // tone's frames are unvoiced to the music gate: a dial tone of 5 s or more locked it, and the
    // voice after the tone waited for its release (review: 350-420 ms of "Hello?").
    const tone = toneGate.steady(f0);
    const music = musicGate.update(tone ? 0 : f0);
    d[FRAME_FIELD.speech * cap + slot] = vad.update(
      d[FRAME_FIELD.energyDb * cap + slot],
      f0 > 0,
      tone || music,
    )
      ? 1
      : 0;
    d[FRAME_FIELD.pN * cap + slot] = pstats.n;
    d[FRAME_FIELD.pSumT * cap + slot] = pstats.sumT;
    d[FRAME_FIELD.pSumAbsDT * cap + slot] = pstats.sumAbsDT;
    d[FRAME_FIELD.pPairs * cap + slot] = pstats.pairs;
    d[FRAME_FIELD.pSumA * cap + slot] = pstats.sumA;
    d[FRAME_FIELD.pSumAbsDA * cap + slot] = pstats.sumAbsDA;
    d[FRAME_FIELD.pSumAbsDbA * cap + slot] = pstats.sumAbsDbA;
    frames++;
    onFrame(i);
  }

  /** Next sample count at which a frame is complete. */
  let due = span + delay;

  function write(v: number): void {
    ring[total & mask] = v;
    if (decimator) decimator.decimate(ring, mask, total, 1, pitchRing, pitchMask);
    total++;
    if (total === due) {
      analyzeFrame();
      due += hop;
    }
  }

  return {
    hop,
    span,
    push(samples, count = samples.length) {
      // Block-wise up to the next frame boundary: DC blocker into the ring, then the decimator
      // over the same block (same samples and order as write() per sample, fewer calls).
      const r = ring;
      const m = mask;
      const n = count;
      let x1 = st[0];
      let y1 = st[1];
      let k = 0;
      while (k < n) {
        const take = Math.min(n - k, due - total);
        const t0 = total;
        for (let j = 0; j < take; j++) {
          const x = samples[k + j];
          y1 = x - x1 + dcR * y1;
          x1 = x;
          r[(t0 + j) & m] = y1;
        }
        // A steady mains hum is taken out before anything is measured (the VAD's noise floor
        // settled on it and asked her voice for 12 dB more: mains-hum.ts).
        mainsHum.process(r, m, t0, take);
        if (decimator) decimator.decimate(r, m, t0, take, pitchRing, pitchMask);
        total += take;
        k += take;
        if (total === due) {
          analyzeFrame();
          due += hop;
        }
      }
      st[0] = x1;
      st[1] = y1;
    },
    flush() {
      const needed = Math.ceil(total / hop);
      while (analyzed < needed) write(0);
      while (path.decide(true, decision)) finalize();
    },
    framesDone: () => frames,
    samplesIn: () => total,
  };
}
