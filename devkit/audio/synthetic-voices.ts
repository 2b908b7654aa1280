// Synthetic, redistributable stereo call audio: a source-filter voice (Rosenberg glottal pulse,
// three formant resonators, syllable envelopes) speaking alternating turns, agent left and
// customer right. Styles change the cues the DSP measures: pitch level and range, loudness,
// syllable rate and glottal open quotient (spectral tilt). Deterministic per seed. Pure.
//
// Glottal pulse: A. E. Rosenberg, "Effect of glottal pulse shape on the quality of natural
// vowels", JASA 49 (1971). Resonator: D. H. Klatt, "Software for a cascade/parallel formant
// synthesizer", JASA 67 (1980), eq. for the 2-pole digital resonator.
import { mulberry32 } from '../../pipelines/emotion/train/rng.ts';

export type Speaker = 'agent' | 'customer';
export type VoiceStyle = 'neutral' | 'angry' | 'happy' | 'sad';

export interface Turn {
  speaker: Speaker;
  style: VoiceStyle;
  startMs: number;
  endMs: number;
}

export interface SyntheticCall {
  sampleRateHz: number;
  agent: Float32Array;
  customer: Float32Array;
  turns: Turn[];
}

interface StyleParams {
  f0Scale: number;
  rangeSt: number;
  gain: number;
  syllablesPerS: number;
  openQuotient: number;
  jitter: number;
  /** Cycle-to-cycle amplitude perturbation (shimmer), relative. */
  shimmer: number;
  /** Formant frequency scale (wider mouth opening raises F1/F2). */
  formantScale: number;
  /** Aspiration noise relative to the voiced source. */
  breath: number;
}

/** Relative cues per style, in the directions reported for acted emotions (e.g. Banse & Scherer 1996). */
const STYLES: Record<VoiceStyle, StyleParams> = {
  neutral: {
    f0Scale: 1,
    rangeSt: 3,
    gain: 0.25,
    syllablesPerS: 4.2,
    openQuotient: 0.6,
    jitter: 0.005,
    shimmer: 0.03,
    formantScale: 1,
    breath: 0.02,
  },
  angry: {
    f0Scale: 1.4,
    rangeSt: 7,
    gain: 0.6,
    syllablesPerS: 5.8,
    openQuotient: 0.38,
    jitter: 0.015,
    shimmer: 0.08,
    formantScale: 1.1,
    breath: 0.05,
  },
  happy: {
    f0Scale: 1.3,
    rangeSt: 8,
    gain: 0.4,
    syllablesPerS: 5,
    openQuotient: 0.5,
    jitter: 0.008,
    shimmer: 0.04,
    formantScale: 1.05,
    breath: 0.03,
  },
  sad: {
    f0Scale: 0.9,
    rangeSt: 1.5,
    gain: 0.15,
    syllablesPerS: 3.2,
    openQuotient: 0.7,
    jitter: 0.008,
    shimmer: 0.04,
    formantScale: 0.95,
    breath: 0.06,
  },
};

const VOWELS: [number, number, number][] = [
  [730, 1090, 2440], // a
  [530, 1840, 2480], // e
  [270, 2290, 3010], // i
  [570, 840, 2410], // o
  [300, 870, 2240], // u
];
const BASE_F0: Record<Speaker, number> = { agent: 115, customer: 205 };

/** Smallest rise-fall of a syllable's pitch (semitones): even a flat, sad voice moves. */
const GLIDE_MIN_ST = 1.5;

/** Rosenberg glottal flow over one period, phase in [0, 1). */
function glottalFlow(phase: number, openQuotient: number): number {
  const rise = openQuotient * 0.66;
  if (phase < rise) return 0.5 * (1 - Math.cos((Math.PI * phase) / rise));
  if (phase < openQuotient) return Math.cos((Math.PI / 2) * ((phase - rise) / (openQuotient - rise)));
  return 0;
}

/** Writes one turn's voice into `out` from sample `from` to `to`. */
function speak(
  out: Float32Array,
  from: number,
  to: number,
  sampleRateHz: number,
  speaker: Speaker,
  style: VoiceStyle,
  random: () => number,
): void {
  const p = STYLES[style];
  const f0Base = BASE_F0[speaker] * p.f0Scale;
  const syllableLen = Math.round(sampleRateHz / p.syllablesPerS);
  const state = new Float64Array(6); // y1, y2 of the three resonators
  const coef = new Float64Array(9); // gain, a1, a2 per resonator
  let phase = 0;
  let previousFlow = 0;
  let syllableStart = from;
  let syllableEnd = from;
  let accentSt = 0;
  let fromSt = 0; // the pitch the syllable glides from: the previous syllable's accent
  let cycleJitter = 0.5; // this glottal cycle's period perturbation draw (0.5: none)
  let amplitude = 1;
  for (let i = from; i < to; i += 1) {
    if (i >= syllableEnd) {
      // A new syllable: vowel formants, a pitch accent, a duration with some spread.
      syllableStart = i;
      syllableEnd = i + Math.round(syllableLen * (0.75 + 0.5 * random()));
      fromSt = accentSt;
      accentSt = (random() - 0.5) * p.rangeSt;
      const vowel = VOWELS[Math.floor(random() * VOWELS.length)];
      for (let k = 0; k < 3; k += 1) {
        const bandwidth = 60 + 40 * k;
        const r = Math.exp((-Math.PI * bandwidth) / sampleRateHz);
        const a1 = 2 * r * Math.cos((2 * Math.PI * vowel[k] * p.formantScale) / sampleRateHz);
        const a2 = -r * r;
        coef[k * 3] = 1 - a1 - a2;
        coef[k * 3 + 1] = a1;
        coef[k * 3 + 2] = a2;
      }
    }
    const inSyllable = (i - syllableStart) / (syllableEnd - syllableStart);
    // Raised-cosine syllable envelope with a short closure at the end (consonant gap).
    const envelope = inSyllable < 0.85 ? Math.sin((Math.PI * inSyllable) / 0.85) : 0;
    const declination = -2 * ((i - from) / Math.max(1, to - from)); // semitones over the turn
    // A voice glides: each syllable moves from the last accent to its own through a rise-fall of
    // half the range, at least GLIDE_MIN_ST (a level pitch per syllable, held like a sung note,
    // made the music gate, pipelines/dsp/music-gate.ts, take this voice for music, where no corpus
    // voice came close).
    const riseSt = Math.max(GLIDE_MIN_ST, 0.5 * p.rangeSt);
    const glideSt = fromSt + (accentSt - fromSt) * inSyllable + riseSt * Math.sin(Math.PI * inSyllable);
    // Jitter perturbs each glottal period (drawn every sample, used at each cycle's start, so the
    // random sequence, and every other draw of the call, is what it was).
    const draw = random();
    const f0 = f0Base * Math.pow(2, (glideSt + declination) / 12) * (1 + 2 * p.jitter * (cycleJitter - 0.5));
    phase += f0 / sampleRateHz;
    if (phase >= 1) {
      phase -= 1;
      cycleJitter = draw;
      amplitude = 1 + p.shimmer * (random() - 0.5) * 2;
    }
    const flow = glottalFlow(phase, p.openQuotient);
    // Flow derivative: the lips radiate the derivative of the glottal flow.
    let x = (flow - previousFlow) * 8 * amplitude + (random() - 0.5) * p.breath * (0.5 + flow);
    previousFlow = flow;
    for (let k = 0; k < 3; k += 1) {
      const y = coef[k * 3] * x + coef[k * 3 + 1] * state[k * 2] + coef[k * 3 + 2] * state[k * 2 + 1];
      state[k * 2 + 1] = state[k * 2];
      state[k * 2] = y;
      x = y;
    }
    out[i] = Math.max(-1, Math.min(1, x * envelope * p.gain));
  }
}

/**
 * The default script: alternating turns of 2.5-5 s with 0.3-0.8 s pauses, agent first; the
 * customer is neutral in the first half and `customerLateStyle` (default angry) in the second.
 */
export function defaultTurns(
  seconds: number,
  random: () => number,
  customerLateStyle: VoiceStyle = 'angry',
): Turn[] {
  const turns: Turn[] = [];
  const totalMs = seconds * 1000;
  let at = 300;
  let speaker: Speaker = 'agent';
  while (at < totalMs - 500) {
    const length = 2500 + random() * 2500;
    const endMs = Math.min(totalMs - 200, at + length);
    const style: VoiceStyle = speaker === 'customer' && at >= totalMs / 2 ? customerLateStyle : 'neutral';
    turns.push({ speaker, style, startMs: at, endMs });
    at = endMs + 300 + random() * 500;
    speaker = speaker === 'agent' ? 'customer' : 'agent';
  }
  return turns;
}

export function synthesizeCall(
  options: {
    seconds: number;
    sampleRateHz?: number;
    seed?: number;
    turns?: Turn[];
    customerLateStyle?: VoiceStyle;
  } = {
    seconds: 30,
  },
): SyntheticCall {
  const sampleRateHz = options.sampleRateHz ?? 16000;
  const random = mulberry32(options.seed ?? 1);
  const turns = options.turns ?? defaultTurns(options.seconds, random, options.customerLateStyle);
  const length = Math.round(options.seconds * sampleRateHz);
  const agent = new Float32Array(length);
  const customer = new Float32Array(length);
  for (const turn of turns) {
    const from = Math.round((turn.startMs / 1000) * sampleRateHz);
    const to = Math.min(length, Math.round((turn.endMs / 1000) * sampleRateHz));
    speak(
      turn.speaker === 'agent' ? agent : customer,
      from,
      to,
      sampleRateHz,
      turn.speaker,
      turn.style,
      random,
    );
  }
  // Line noise floor (-60 dBFS) so silence is not digital zero, as on a real line.
  for (let i = 0; i < length; i += 1) {
    agent[i] = Math.max(-1, Math.min(1, agent[i] + (random() - 0.5) * 0.002));
    customer[i] = Math.max(-1, Math.min(1, customer[i] + (random() - 0.5) * 0.002));
  }
  return { sampleRateHz, agent, customer, turns };
}
