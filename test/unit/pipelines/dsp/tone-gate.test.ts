// Telephone tones are not speech: a steady tone, a ringback's bursts and a dual-tone pair leave no
// speech windows (they read as a "tense" caller before, and taught the calm-start baseline a tone),
// while a voice with its natural jitter, or a tone's frequency changing, stays speech.
import { describe, expect, it } from 'vitest';
import { encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { createToneGate, RELOCK_FRAMES, TONE_FRAMES } from '../../../../pipelines/dsp/tone-gate.ts';
import { synthVoiced, tone } from '../../../../devkit/audio/test-signals.ts';
import { floatBytes, runChunked } from './helpers.ts';

const RATE = 8000;
const speechOf = (x: Float32Array): number[] =>
  runChunked(floatBytes(x), { format: { codec: 'float32', sampleRateHz: RATE } }, () => 160).map(
    (w) => w.speechFraction,
  );

/** `on` seconds of the pair, then `off` of silence, repeated for `seconds`. */
function cadence(pair: [number, number], on: number[], seconds: number): Float32Array {
  const a = tone(pair[0], RATE, seconds, 0.25);
  const b = tone(pair[1], RATE, seconds, 0.25);
  const period = on.reduce((s, v) => s + Math.abs(v), 0);
  const out = new Float32Array(a.length);
  for (let i = 0; i < out.length; i++) {
    let t = (i / RATE) % period;
    let sounding = false;
    for (const span of on) {
      if (t < Math.abs(span)) {
        sounding = span > 0;
        break;
      }
      t -= Math.abs(span);
    }
    out[i] = sounding ? a[i] + b[i] : 0;
  }
  return out;
}

describe('tone gate', () => {
  it('locks after TONE_FRAMES steady frames, holds through the drift at a burst end, and lets go', () => {
    const gate = createToneGate();
    const steady = Array.from({ length: TONE_FRAMES + 5 }, () => gate.steady(440));
    expect(steady.indexOf(true)).toBe(TONE_FRAMES - 1);
    expect(steady.slice(TONE_FRAMES - 1).every(Boolean)).toBe(true);
    expect(gate.steady(440 * Math.pow(2, 12 / 1200))).toBe(true); // 12 cents off: the same tone ending
    expect(gate.steady(440 * Math.pow(2, 100 / 1200))).toBe(false); // a semitone away: not this tone
    expect(gate.steady(0)).toBe(false);
  });

  it('never locks on a voice: 0.5 % jitter, or a pitch moving 3 cents a frame', () => {
    const gate = createToneGate();
    let state = 1;
    const jittered = Array.from({ length: 200 }, () => {
      state = (state * 48271) % 2147483647;
      return gate.steady(140 * (1 + 0.005 * (state / 2147483647 - 0.5)));
    });
    expect(jittered.some(Boolean)).toBe(false);
    const gliding = Array.from({ length: 200 }, (_, i) => gate.steady(140 * Math.pow(2, (3 * i) / 1200)));
    expect(gliding.some(Boolean)).toBe(false);
  });

  it('locks again within RELOCK_FRAMES on the next burst of a tone it heard, not on another pitch', () => {
    const gate = createToneGate();
    for (let i = 0; i < TONE_FRAMES; i++) gate.steady(480);
    for (let i = 0; i < 50; i++) gate.steady(0); // a 0.5 s gap of a busy tone
    const burst = Array.from({ length: 10 }, () => gate.steady(480));
    expect(burst.indexOf(true)).toBe(RELOCK_FRAMES - 1);
    for (let i = 0; i < 50; i++) gate.steady(0);
    const other = Array.from({ length: 10 }, () => gate.steady(300)); // a voice-like pitch elsewhere
    expect(other.some(Boolean)).toBe(false);
  });

  it('keeps a cadence of short bursts locked, each burst from its 5th frame, ends drifting included, for as long as it goes on', () => {
    const gate = createToneGate();
    for (let i = 0; i < TONE_FRAMES; i++) gate.steady(480);
    const cents = (c: number): number => 480 * Math.pow(2, c / 1200);
    const burst = [...Array.from({ length: 14 }, () => 480), cents(3), cents(6), cents(9), cents(12)];
    for (let b = 0; b < 40; b++) {
      for (let i = 0; i < 25; i++) gate.steady(0);
      const held = burst.map((f0) => gate.steady(f0));
      expect(held.indexOf(true), `burst ${b}`).toBe(RELOCK_FRAMES - 1);
      expect(held.slice(RELOCK_FRAMES - 1).every(Boolean), `burst ${b}`).toBe(true);
    }
  });

  it('reads (almost) no speech in tones and cadences: under 0.2 of any window, where the alert rules count speech', () => {
    const signals = {
      'tone 440 Hz': tone(440, RATE, 12, 0.3),
      'US ringback (2 s on, 4 s off)': cadence([440, 480], [2, -4], 12),
      'UK ringback (0.4 on, 0.2 off, 0.4 on, 2 off)': cadence([400, 450], [0.4, -0.2, 0.4, -2], 12),
      'dial tone': cadence([350, 440], [1], 12),
      'US busy (0.5 on, 0.5 off)': cadence([480, 620], [0.5, -0.5], 12),
      'reorder (0.25 on, 0.25 off)': cadence([480, 620], [0.25, -0.25], 12),
      'UK busy (0.375 on, 0.375 off)': cadence([400, 400], [0.375, -0.375], 12),
    };
    for (const [name, x] of Object.entries(signals)) {
      const windows = speechOf(x);
      expect(windows.length, name).toBeGreaterThan(8);
      expect(Math.max(...windows), name).toBeLessThan(0.2);
    }
    const mulaw = runChunked(
      encodeMuLaw(signals['US ringback (2 s on, 4 s off)']),
      { format: { codec: 'pcmu', sampleRateHz: RATE } },
      () => 160,
    );
    expect(Math.max(...mulaw.map((w) => w.speechFraction))).toBeLessThan(0.2);
  });

  it("hears a voice at the tone's pitch right after the tone: a re-lock that does not hold steady lets go and forgets", () => {
    for (const [f0, jitter] of [
      [400, 0.005],
      [220, 0.005],
      [220, 0.002],
    ]) {
      const on = (t: number): boolean => t % 0.5 < 0.35;
      const voice = synthVoiced({
        sampleRateHz: RATE,
        durationS: 6,
        f0: () => f0,
        voiced: on,
        jitter,
        seed: 5,
      }).samples;
      const lead = new Float32Array(RATE); // 0.6 s of the tone, then 0.4 s of silence
      lead.set(tone(f0, RATE, 0.6, 0.3));
      const afterTone = new Float32Array(lead.length + voice.length);
      afterTone.set(lead);
      afterTone.set(voice, lead.length);
      const alone = new Float32Array(afterTone.length);
      alone.set(voice, lead.length);
      const sum = (x: Float32Array) =>
        speechOf(x)
          .slice(2, 7)
          .reduce((a, b) => a + b, 0);
      expect(sum(afterTone), `${f0} Hz, jitter ${jitter}`).toBeGreaterThan(0.9 * sum(alone));
    }
  });

  it('still hears a voice with its natural jitter at the same level', () => {
    const on = (t: number): boolean => t % 1 < 0.7;
    // Under 5 s: a pitch held longer than that is music (music-gate.ts), whatever its jitter.
    const x = synthVoiced({
      sampleRateHz: RATE,
      durationS: 4.5,
      f0: () => 440,
      voiced: on,
      jitter: 0.005,
      seed: 3,
    });
    const windows = speechOf(x.samples);
    expect(Math.min(...windows.slice(1, -1))).toBeGreaterThan(0.5);
  });
});
