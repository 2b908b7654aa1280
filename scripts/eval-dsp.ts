// eval:dsp — accuracy of pipelines/dsp: pitch on synthetic telephone-band signals and against
// Praat on EmoDB at 8 kHz µ-law, syllable rate against EmoDB syllable labels, jitter / shimmer /
// HNR on synthetic vowels. Reads EmoDB and the Praat fixture (file I/O); prints ONE JSON object.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChannelAnalyzer, encodeMuLaw, toTelephoneBand } from '../pipelines/dsp/index.ts';
import { frameTrack } from '../pipelines/dsp/frame-track.ts';
import { paceRate } from '../pipelines/dsp/pace.ts';
import { PACE_FALLBACK_MODEL, PACE_MODEL } from '../pipelines/dsp/pace-model.ts';
import { listEmodb, readEmodbSamples, type EmodbItem } from '../devkit/audio/emodb.ts';
import { paceRows } from './lib/pace-data.ts';
import { parallelPaceFolds } from './lib/pace-folds.ts';
import {
  addNoise,
  epochPeriods,
  bandPass,
  localJitterPct,
  localShimmerPct,
  power,
  rng,
  synthVoiced,
  whiteNoise,
} from '../devkit/audio/test-signals.ts';
import { emitBenchmark } from './lib/benchmarks/store.ts';
import { noArgs } from '../services/shared/cli-args.ts';

noArgs(
  'eval:dsp',
  'usage: npm run eval:dsp (no arguments; reads EmoDB from ../shared/data/emodb or EMODB_DIR; prints one JSON object)',
);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;
const mu8k = { codec: 'pcmu' as const, sampleRateHz: 8000 };

/** Gross pitch error and voicing errors on synthetic voiced signals at a given SNR. */
function syntheticPitch(snrDb: number, count: number): { gpe: number; vde: number } {
  let gross = 0;
  let both = 0;
  let voicingErr = 0;
  let frames = 0;
  for (let u = 0; u < count; u++) {
    const rand = rng(1000 + u);
    const base = 80 * Math.pow(2, rand() * Math.log2(300 / 80)); // 80..300 Hz, log-uniform
    const depth = 1 + 4 * rand(); // semitones
    const rate = 0.3 + rand();
    const phase = 2 * Math.PI * rand();
    const f0 = (t: number): number =>
      Math.min(
        400,
        Math.max(80, base * Math.pow(2, (depth * Math.sin(2 * Math.PI * rate * t + phase)) / 12)),
      );
    const voiced = (t: number): boolean => (t > 0.2 && t < 1.4) || (t > 1.7 && t < 2.8);
    const sig = synthVoiced({
      sampleRateHz: 8000,
      durationS: 3,
      f0,
      voiced,
      jitter: 0.005,
      shimmer: 0.03,
      seed: 7 + u,
    });
    const noisy = addNoise(bandPass(sig.samples, 8000), snrDb, 99 + u);
    const track = frameTrack(encodeMuLaw(noisy), { format: mu8k });
    const halfSpan = 0.025;
    for (let i = 0; i < track.f0Hz.length; i++) {
      const t = track.t0S + i * track.hopS;
      // Truth voiced only when the whole analysis span is voiced; unvoiced when none of it is.
      const v0 = voiced(t - halfSpan) && voiced(t + halfSpan);
      const u0 = !voiced(t - halfSpan) && !voiced(t + halfSpan) && !voiced(t);
      if (!v0 && !u0) continue;
      const est = track.f0Hz[i];
      frames++;
      if (v0 !== est > 0) voicingErr++;
      if (v0 && est > 0) {
        both++;
        if (Math.abs(est - f0(t)) > 0.2 * f0(t)) gross++;
      }
    }
  }
  return { gpe: gross / Math.max(1, both), vde: voicingErr / Math.max(1, frames) };
}

interface PraatFixture {
  timeStepS: number;
  files: Record<string, { t0S: number; f0: number[] }>;
}

function praatComparison(items: EmodbItem[]): { gpe: number; voicing: number } {
  const fixture = JSON.parse(
    readFileSync(resolve(ROOT, 'test/fixtures/praat/emodb-f0.json'), 'utf8'),
  ) as PraatFixture;
  let gross = 0;
  let both = 0;
  let agree = 0;
  let frames = 0;
  for (const item of items) {
    const ref = fixture.files[item.id];
    if (!ref) continue;
    const { samples, sampleRateHz } = readEmodbSamples(item);
    const track = frameTrack(toTelephoneBand(samples, sampleRateHz, 'pcmu'), { format: mu8k });
    for (let k = 0; k < ref.f0.length; k++) {
      const t = ref.t0S + k * fixture.timeStepS;
      const i = Math.round((t - track.t0S) / track.hopS);
      if (i < 0 || i >= track.f0Hz.length) continue;
      const r = ref.f0[k];
      const e = track.f0Hz[i];
      frames++;
      if (r > 0 === e > 0) agree++;
      if (r > 0 && e > 0) {
        both++;
        if (Math.abs(e - r) > 0.2 * r) gross++;
      }
    }
  }
  return { gpe: gross / Math.max(1, both), voicing: agree / Math.max(1, frames) };
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Syllable rate of window 0 against the labels. The estimator is learned (syllable-density MLP,
 * then ridge), so every speaker is scored with both stages refitted on the OTHER nine speakers
 * (leave-one-speaker-out); a second figure holds out each of the ten sentences instead. The
 * committed all-speaker models are only checked to be what the runtime applies.
 */
async function paceComparison(items: EmodbItem[]): Promise<{
  r: number;
  mae: number;
  n: number;
  runtimeMismatch: number;
  baselineR: number;
  densityR: number;
  sentenceR: number;
  sentenceMae: number;
  fallbacks: number;
}> {
  const rows = paceRows(items, []); // the workers fit on their own rows (with the perturbed copies)
  const truth = rows.map((row) => row.rate);
  const { speaker: bySpeaker, text: bySentence } = await parallelPaceFolds(rows, log);
  // Runtime check: the streaming analyzer's window 0 equals the committed model on the same features.
  let runtimeMismatch = 0;
  for (const row of rows) {
    const analyzer = createChannelAnalyzer({ format: mu8k });
    const w0 = [...analyzer.push(row.bytes), ...analyzer.flush()].find((w) => w.windowIndex === 0);
    const expected = paceRate(PACE_MODEL, PACE_FALLBACK_MODEL, row.features, row.outlier);
    if (!w0 || Math.abs(w0.pace.syllableRate - expected) > 1e-9) runtimeMismatch++;
  }
  const mae = (est: number[]): number => est.reduce((s, e, i) => s + Math.abs(e - truth[i]), 0) / est.length;
  const baseline = rows.map((row) => row.features[0]);
  return {
    r: pearson(bySpeaker.estimate, truth),
    mae: mae(bySpeaker.estimate),
    n: rows.length,
    runtimeMismatch,
    baselineR: pearson(baseline, truth),
    densityR: pearson(bySpeaker.density, truth),
    sentenceR: pearson(bySentence.estimate, truth),
    sentenceMae: mae(bySentence.estimate),
    fallbacks: bySpeaker.fallbacks,
  };
}

/** Jitter, shimmer and HNR on synthetic sustained vowels (8 kHz, telephone band, 16-bit). */
function voiceQuality(count: number): { jitter: number; shimmer: number; hnr: number } {
  const jErr: number[] = [];
  const sErr: number[] = [];
  const hErr: number[] = [];
  for (let u = 0; u < count; u++) {
    const rand = rng(5000 + u);
    const f0Hz = 90 + rand() * 160;
    const jitter = 0.005 + rand() * 0.025; // 0.5-3 % relative period perturbation
    const shimmer = 0.02 + rand() * 0.1;
    const snrDb = 5 + rand() * 20;
    const analyze = (
      x: Float32Array,
    ): ReturnType<typeof createChannelAnalyzer>['flush'] extends () => infer R ? R : never => {
      const a = createChannelAnalyzer({ format: { codec: 'float32', sampleRateHz: 8000 } });
      const bytes = new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
      return [...a.push(bytes), ...a.flush()];
    };
    // Jitter and shimmer: perturbed vowel, high SNR (45 dB).
    const js = synthVoiced({
      sampleRateHz: 8000,
      durationS: 2,
      f0: () => f0Hz,
      jitter,
      shimmer,
      seed: 11 + u,
    });
    const w = analyze(addNoise(bandPass(js.samples, 8000), 45, 3 + u))[0];
    const trueJitter = localJitterPct(epochPeriods(js.epochS));
    const trueShimmer = localShimmerPct(js.cycleAmplitude);
    jErr.push(Math.abs(w.voiceQuality.jitterPct - trueJitter) / trueJitter);
    sErr.push(Math.abs(w.voiceQuality.shimmerPct - trueShimmer) / trueShimmer);
    // HNR: regular vowel plus in-band noise at a known harmonics-to-noise ratio.
    const clean = bandPass(
      synthVoiced({ sampleRateHz: 8000, durationS: 2, f0: () => f0Hz, seed: 21 + u }).samples,
      8000,
    );
    const bandNoise = bandPass(whiteNoise(clean.length, 31 + u), 8000);
    const k = Math.sqrt(power(clean) / (power(bandNoise) * 10 ** (snrDb / 10)));
    const mixed = clean.map((v, i) => v + k * bandNoise[i]);
    const wh = analyze(mixed)[0];
    hErr.push(Math.abs(wh.voiceQuality.hnrDb - snrDb));
  }
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  return { jitter: mean(jErr), shimmer: mean(sErr), hnr: mean(hErr) };
}

async function main(): Promise<void> {
  const parts = new Set((process.env.EVAL_DSP_PARTS ?? 'synth,praat,pace,vq').split(','));
  const out: Record<string, number | string> = {};
  if (parts.has('synth')) {
    log('pitch on synthetic signals ...');
    const s20 = syntheticPitch(20, 40);
    const s10 = syntheticPitch(10, 40);
    out.pitch_gpe_synth_20db = round(s20.gpe);
    out.pitch_gpe_synth_10db = round(s10.gpe);
    out.pitch_vde_synth_20db = round(s20.vde);
    out.pitch_vde_synth_10db = round(s10.vde);
  }
  const items = parts.has('praat') || parts.has('pace') ? listEmodb() : [];
  if (parts.has('praat')) {
    log(`pitch vs Praat on ${items.length} EmoDB files ...`);
    const p = praatComparison(items);
    out.pitch_gpe_vs_praat = round(p.gpe);
    out.voicing_agreement_vs_praat = round(p.voicing);
  }
  if (parts.has('pace')) {
    log('syllable rate vs EmoDB labels ...');
    const p = await paceComparison(items);
    out.pace_r = round(p.r);
    out.pace_mae = round(p.mae);
    out.pace_files = p.n;
    out.pace_eval =
      'leave-one-speaker-out: syllable-density MLP (with speed-perturbed copies) + stacked ridge';
    out.pace_r_nuclei_only = round(p.baselineR);
    out.pace_r_density_only = round(p.densityR);
    out.pace_r_leave_one_sentence_out = round(p.sentenceR);
    out.pace_mae_leave_one_sentence_out = round(p.sentenceMae);
    out.pace_fallback_files = p.fallbacks;
    out.pace_runtime_mismatch = p.runtimeMismatch;
  }
  if (parts.has('vq')) {
    log('jitter / shimmer / HNR on synthetic vowels ...');
    const v = voiceQuality(30);
    out.jitter_rel_err = round(v.jitter);
    out.shimmer_rel_err = round(v.shimmer);
    out.hnr_abs_err_db = round(v.hnr);
  }
  emitBenchmark('eval-dsp', out);
}

main().catch((e: unknown) => {
  // Missing evaluation data is a setup error: one line, exit 2; anything else is a bug: the stack.
  if ((e as { code?: unknown }).code === 'DATA_MISSING') {
    process.stderr.write(`eval:dsp: DATA_MISSING: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
