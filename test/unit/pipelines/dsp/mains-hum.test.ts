// Mains hum is found and subtracted only when a steady 50/60 Hz comb stands out for seconds:
// a hum alone or under a voice is taken out to a small residue and the voice kept; a voice, line
// noise or a telephone tone (one line, or a pair, on a multiple of 50 Hz) pass untouched.
import { describe, expect, it } from 'vitest';
import { decodeMuLaw, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { createMainsHumRemover } from '../../../../pipelines/dsp/mains-hum.ts';
import { mainsHum } from '../../../../devkit/audio/line-faults.ts';
import { floatBytes, runChunked } from './helpers.ts';
import { power, synthVoiced, tone, whiteNoise } from '../../../../devkit/audio/test-signals.ts';

const RATE = 8000;
const SECONDS = 10;
const db = (p: number): number => 10 * Math.log10(p);

/** `x` through a remover in 20-ms blocks of a 4096-sample ring; the output and the mains found per second. */
function run(x: Float32Array): { out: Float32Array; mainsBySecond: number[] } {
  const remover = createMainsHumRemover(RATE);
  const ring = new Float32Array(4096);
  const out = new Float32Array(x.length);
  const mainsBySecond: number[] = [];
  for (let t0 = 0; t0 < x.length; t0 += 160) {
    const n = Math.min(160, x.length - t0);
    for (let i = 0; i < n; i++) ring[(t0 + i) & 4095] = x[t0 + i];
    remover.process(ring, 4095, t0, n);
    for (let i = 0; i < n; i++) out[t0 + i] = ring[(t0 + i) & 4095];
    if ((t0 + n) % RATE === 0) mainsBySecond.push(remover.mainsHz());
  }
  return { out, mainsBySecond };
}

const sum = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]);
const diff = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v - b[i]);
const last = (x: Float32Array, s: number): Float32Array => x.subarray(x.length - s * RATE);

/** A voice gliding between 110 and 220 Hz, voiced 0.8 s of each second (pauses). */
const voice = (): Float32Array =>
  synthVoiced({
    sampleRateHz: RATE,
    durationS: SECONDS,
    f0: (t) => 165 + 55 * Math.sin(2 * Math.PI * 0.37 * t),
    voiced: (t) => t % 1 < 0.8,
    jitter: 0.01,
    amplitude: 1,
  }).samples;

describe('mains hum remover', () => {
  for (const mainsHz of [50, 60] as const) {
    it(`finds a ${mainsHz} Hz hum alone within 4 s and leaves 25 dB less of it`, () => {
      const hum = mainsHum({ mainsHz, levelDbfs: -40 }, RATE, SECONDS * RATE);
      const { out, mainsBySecond } = run(hum);
      expect(mainsBySecond.slice(0, 2)).toEqual([0, 0]);
      expect(mainsBySecond.slice(4)).toEqual(Array(SECONDS - 4).fill(mainsHz));
      expect(db(power(last(out, 4))) - db(power(last(hum, 4)))).toBeLessThan(-25);
    });
  }

  it('takes a 60 Hz hum out from under a voice and keeps the voice', () => {
    const v = voice();
    const hum = mainsHum({ mainsHz: 60, levelDbfs: -30 }, RATE, v.length);
    const { out, mainsBySecond } = run(sum(v, hum));
    expect(mainsBySecond.at(-1)).toBe(60);
    const voiceDb = db(power(last(v, 4)));
    // What is left of the hum and what of the voice was lost, together, well under the hum.
    expect(db(power(diff(last(out, 4), last(v, 4))))).toBeLessThan(voiceDb - 20);
    expect(db(power(last(hum, 4)))).toBeGreaterThan(voiceDb - 20);
  });

  it('leaves a voice, line noise and telephone tones on multiples of 50 Hz untouched', () => {
    const cases: Record<string, Float32Array> = {
      voice: voice(),
      noise: whiteNoise(SECONDS * RATE, 3).map((v) => v * 0.01),
      'a 400 Hz tone': tone(400, RATE, SECONDS, 0.25),
      'a 400 + 450 Hz pair': sum(tone(400, RATE, SECONDS, 0.25), tone(450, RATE, SECONDS, 0.25)),
      // Its cadence modulates the average: lines 10 Hz either side of 400 Hz, none on a hum.
      'a UK busy tone (400 Hz, 0.375 s on, 0.375 s off)': tone(400, RATE, SECONDS, 0.25).map((v, i) =>
        (i / RATE) % 0.75 < 0.375 ? v : 0,
      ),
    };
    // Through the µ-law codec too: its distortion puts weak lines on the tones' multiples.
    for (const [name, x] of Object.entries(cases)) cases[`${name}, µ-law`] = decodeMuLaw(encodeMuLaw(x));
    for (const [name, x] of Object.entries(cases)) {
      const { out, mainsBySecond } = run(x);
      expect(mainsBySecond, name).toEqual(Array(SECONDS).fill(0));
      expect(out, name).toEqual(x);
    }
  });

  it("gives the channel analyzer her speech back under a -30 dBFS hum (the VAD's floor sat on it)", () => {
    const x = voice().map((v) => v * 2); // -21 dBFS: a voice at -16 dBFS at its peaks
    const speechS = (y: Float32Array): number =>
      runChunked(floatBytes(y), { format: { codec: 'float32', sampleRateHz: RATE } }, () => 160)
        .slice(4) // the hum is found within 4 s
        .reduce((s, w) => s + w.speechFraction, 0);
    const clean = speechS(x);
    expect(clean).toBeGreaterThan(3);
    for (const mainsHz of [50, 60] as const) {
      const hummed = speechS(sum(x, mainsHum({ mainsHz, levelDbfs: -30 }, RATE, x.length)));
      // Without the remover a quarter of it (50 Hz) or less is left; what the remover loses is
      // the synthetic voice the average still holds (pipelines/dsp/README.md, "Mains hum under
      // the voice").
      expect(hummed, `${mainsHz} Hz`).toBeGreaterThan(0.6 * clean);
    }
  });
});
