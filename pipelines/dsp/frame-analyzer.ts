// Frame stage of one speaker: DC-blocked samples in, one record of features per 10 ms hop out
// (pitch + voicing, energy, ZCR, VAD, meyda spectral features from one shared FFT, HNR, period
// marks for jitter/shimmer) into a FrameStore. Pure, no I/O, no allocation per frame.

import { createRealFft } from './fft.ts';
import { F, type FrameStore } from './frame-store.ts';
import { clearPeriodStats, createPeriodTracker, type PeriodStats } from './periods.ts';
import { createPitchAnalyzer, createPitchCandidates } from './pitch.ts';
import { createSpectralExtractor, createSpectralResult } from './spectral.ts';
import { createVad } from './vad.ts';

export interface FrameConfig {
  sampleRateHz: number;
  frameMs: number;
  hopMs: number;
  pitchMinHz: number;
  pitchMaxHz: number;
}

/** Praat To Pitch (ac) defaults (Praat manual, "Sound: To Pitch (ac)..."). */
const VOICING_THRESHOLD = 0.45;
const SILENCE_THRESHOLD = 0.03;
const OCTAVE_JUMP_COST = 0.35;
/** Running reference peak for Praat's silence criterion decays by half in about 4 s. */
const PEAK_DECAY_PER_FRAME = Math.pow(0.5, 1 / 400);
const MIN_DB = -120;

export interface FrameAnalyzer {
  readonly hop: number;
  /** Samples from a frame's start to the end of its longest analysis span (its latency). */
  readonly span: number;
  /** Feeds analysis-rate samples; calls onFrame(frameIndex) after each completed frame. */
  push(samples: Float32Array): void;
  /** Pads with zeros until every frame that starts inside the audio is complete. */
  flush(): void;
  framesDone(): number;
  samplesIn(): number;
}

export function createFrameAnalyzer(
  cfg: FrameConfig,
  store: FrameStore,
  onFrame: (frame: number) => void,
): FrameAnalyzer {
  const sr = cfg.sampleRateHz;
  const hop = Math.max(1, Math.round((sr * cfg.hopMs) / 1000));
  const frameLen = Math.max(8, Math.round((sr * cfg.frameMs) / 1000));
  const pitch = createPitchAnalyzer(sr, cfg.pitchMinHz, cfg.pitchMaxHz);
  const L = pitch.frameLength;
  const span = Math.max(L, frameLen);
  const pitchOffset = (span - L) >> 1;
  const specOffset = (span - frameLen) >> 1;
  let fftSize = 4;
  while (fftSize < frameLen) fftSize <<= 1;
  const fft = createRealFft(fftSize);
  const spectral = createSpectralExtractor(sr, fftSize);
  let ringSize = 4;
  while (ringSize < 2 * span + 4 * hop) ringSize <<= 1;
  const ring = new Float64Array(ringSize);
  const mask = ringSize - 1;
  const hann = new Float64Array(frameLen);
  for (let i = 0; i < frameLen; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (frameLen - 1 || 1));
  const pbuf = new Float64Array(L);
  const sbuf = new Float64Array(fftSize);
  const re = new Float64Array(fftSize / 2 + 1);
  const im = new Float64Array(fftSize / 2 + 1);
  const amp = new Float64Array(fftSize / 2);
  const cands = createPitchCandidates();
  const sres = createSpectralResult();
  const periods = createPeriodTracker(Math.ceil(sr / cfg.pitchMinHz));
  const pstats: PeriodStats = { n: 0, sumT: 0, sumAbsDT: 0, pairs: 0, sumA: 0, sumAbsDA: 0, sumAbsDbA: 0 };
  const vad = createVad();

  let total = 0; // samples written
  let frames = 0; // frames completed
  let dcX = 0;
  let dcY = 0;
  // One-pole DC blocker y = x − x1 + R·y1, corner ≈ 10 Hz (removes DC offsets of bad input).
  const dcR = 1 - (2 * Math.PI * 10) / sr;
  let peakRef = 0;
  let prevF0 = 0;
  const d = store.data;

  function analyzeFrame(): void {
    const i = frames;
    const start = i * hop;
    for (let k = 0; k < L; k++) pbuf[k] = ring[(start + pitchOffset + k) & mask];
    pitch.analyze(pbuf, cands);

    let sq = 0;
    let zc = 0;
    let prev = ring[(start + specOffset) & mask];
    for (let k = 0; k < frameLen; k++) {
      const v = ring[(start + specOffset + k) & mask];
      sq += v * v;
      if (v >= 0 !== prev >= 0) zc++;
      prev = v;
      sbuf[k] = v * hann[k];
    }
    sbuf.fill(0, frameLen);
    const meanSq = sq / frameLen;
    const energyDb = meanSq > 1e-12 ? 10 * Math.log10(meanSq) : MIN_DB;
    fft.forward(sbuf, re, im);
    for (let k = 0; k < amp.length; k++) amp[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]) + 1e-10;
    spectral.compute(amp, sres);

    // Voicing: Praat's unvoiced strength with a running reference peak, greedy path with
    // Praat's octave-jump cost relative to the previous voiced frame.
    peakRef = Math.max(peakRef * PEAK_DECAY_PER_FRAME, cands.peak);
    const rel = peakRef > 0 ? cands.peak / peakRef : 0;
    const unvoiced = VOICING_THRESHOLD + Math.max(0, 2 - rel / (SILENCE_THRESHOLD / (1 + VOICING_THRESHOLD)));
    let best = -1;
    let bestScore = unvoiced;
    for (let c = 0; c < cands.count; c++) {
      let score = cands.strength[c];
      if (prevF0 > 0) score -= OCTAVE_JUMP_COST * Math.abs(Math.log2(cands.freqHz[c] / prevF0));
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    const f0 = best >= 0 ? cands.freqHz[best] : 0;
    const rBest = best >= 0 ? cands.r[best] : cands.count > 0 ? cands.r[0] : 0;
    prevF0 = f0;

    clearPeriodStats(pstats);
    const centre = start + (span >> 1);
    periods.process(
      ring,
      mask,
      total,
      centre - (hop >> 1),
      centre - (hop >> 1) + hop,
      f0 > 0 ? sr / f0 : 0,
      pstats,
    );

    const speech = vad.update(energyDb, f0 > 0);
    const rc = Math.min(0.9999, Math.max(1e-4, rBest));

    d[store.at(i, F.f0)] = f0;
    d[store.at(i, F.voicing)] = rBest;
    d[store.at(i, F.energyDb)] = energyDb;
    d[store.at(i, F.speech)] = speech ? 1 : 0;
    d[store.at(i, F.zcr)] = zc / frameLen;
    d[store.at(i, F.centroidHz)] = sres.centroidHz;
    d[store.at(i, F.flatness)] = sres.flatness;
    d[store.at(i, F.slope)] = sres.slope;
    d[store.at(i, F.rolloffHz)] = sres.rolloffHz;
    d[store.at(i, F.loudness)] = sres.loudness;
    d[store.at(i, F.hnrDb)] = f0 > 0 ? 10 * Math.log10(rc / (1 - rc)) : NaN;
    d[store.at(i, F.alphaDb)] = sres.alphaRatioDb;
    d[store.at(i, F.hammarbergDb)] = sres.hammarbergDb;
    d[store.at(i, F.sylDb)] = energyDb;
    d[store.at(i, F.pN)] = pstats.n;
    d[store.at(i, F.pSumT)] = pstats.sumT;
    d[store.at(i, F.pSumAbsDT)] = pstats.sumAbsDT;
    d[store.at(i, F.pPairs)] = pstats.pairs;
    d[store.at(i, F.pSumA)] = pstats.sumA;
    d[store.at(i, F.pSumAbsDA)] = pstats.sumAbsDA;
    d[store.at(i, F.pSumAbsDbA)] = pstats.sumAbsDbA;
    for (let k = 0; k < sres.mfcc.length; k++) d[store.at(i, F.mfcc + k)] = sres.mfcc[k];
    frames++;
    onFrame(i);
  }

  function write(v: number): void {
    ring[total & mask] = v;
    total++;
    if (total === frames * hop + span) analyzeFrame();
  }

  return {
    hop,
    span,
    push(samples) {
      for (let k = 0; k < samples.length; k++) {
        const x = samples[k];
        const y = x - dcX + dcR * dcY;
        dcX = x;
        dcY = y;
        write(y);
      }
    },
    flush() {
      const audio = total;
      const needed = Math.ceil(audio / hop);
      while (frames < needed) write(0);
    },
    framesDone: () => frames,
    samplesIn: () => total,
  };
}
