// Music is not speech: held notes over 5 s lock the music gate and leave (almost) no speech
// windows (hold music read as a "happy" or "tense" agent, taught the agent's calm start, and
// counted as overtalk before), while a voice, gliding and jittering, is never taken for music,
// and a voice right after music, or after a long telephone tone, is heard again at once.
import { describe, expect, it } from 'vitest';
import { decodeMuLaw, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { frameTrack } from '../../../../pipelines/dsp/frame-track.ts';
import {
  createMusicGate,
  MUSIC_ENTER_SHARE,
  MUSIC_MIN_VOICED,
  MUSIC_SPAN_S,
  MUSIC_STAY_SHARE,
  RELEASE_S,
  RELEASE_SHARE,
  HELD_CENTS_PER_10MS,
} from '../../../../pipelines/dsp/music-gate.ts';
import { synthMusic } from '../../../../devkit/audio/test-music.ts';
import { rng, tone } from '../../../../devkit/audio/test-signals.ts';
import { readShippedCall } from '../../../support/nemo-calls.ts';
import { floatBytes, runChunked } from './helpers.ts';

const RATE = 8000;
const SPAN = MUSIC_SPAN_S * 100; // 10 ms frames
const float8k = { format: { codec: 'float32' as const, sampleRateHz: RATE } };
const speechOf = (x: Float32Array): number[] =>
  runChunked(floatBytes(x), float8k, () => 160).map((w) => w.speechFraction);
const speechFrames = (x: Float32Array): Uint8Array => frameTrack(floatBytes(x), float8k).speech;
const cents = (c: number): number => Math.pow(2, c / 1200);

/** Frame F0s of a melody: notes of 25 frames a semitone or two apart, 1 cent of noise, 1 in 10 unvoiced. */
function heldNotes(frames: number, seed: number): number[] {
  const rand = rng(seed);
  let note = 0;
  return Array.from({ length: frames }, (_, i) => {
    if (i % 25 === 0) note += Math.floor(rand() * 5) - 2;
    if (i % 10 === 9) return 0;
    return 330 * Math.pow(2, note / 12 + (rand() - 0.5) / 1200);
  });
}

/** Frame F0s of speech: syllables of 15 voiced frames gliding 10-40 cents a frame, 8 unvoiced between. */
function voiceFrames(frames: number, seed: number): number[] {
  const rand = rng(seed);
  let at = 0;
  let direction = 1;
  return Array.from({ length: frames }, (_, i) => {
    if (i % 23 >= 15) return 0;
    if (rand() < 0.1) direction = -direction;
    if (Math.abs(at) > 600) direction = at > 0 ? -1 : 1; // a voice turns; it does not hold a ceiling
    at += direction * (10 + 30 * rand());
    return 160 * cents(at);
  });
}

/** Voiced frames of which `share` hold their pitch (the others step 50 cents), evenly spread. */
function framesWithShare(share: number, frames: number): number[] {
  let f0 = 200;
  let owed = 0;
  return Array.from({ length: frames }, () => {
    owed += share;
    if (owed >= 1) owed -= 1;
    else f0 = f0 > 300 ? 200 : f0 * cents(50);
    return f0;
  });
}

/** The gate's rule, recomputed from the whole history every frame (the reference for the ring). */
function referenceGate(): (f0: number) => boolean {
  const bits: number[] = [];
  let locked = false;
  let lastF0 = 0;
  let releasedAt = -Infinity; // frame count when a voice last released the lock
  const ratio = cents(HELD_CENTS_PER_10MS);
  return (f0) => {
    const prev = lastF0;
    const held = f0 > 0 && prev > 0 && f0 <= prev * ratio && prev <= f0 * ratio;
    bits.push(held ? 2 : f0 > 0 ? 1 : 0);
    lastF0 = f0;
    const span = bits.slice(-SPAN);
    const recent = bits.slice(-RELEASE_S * 100);
    const voiced = span.filter((b) => b > 0).length;
    if (bits.length < SPAN || voiced < MUSIC_MIN_VOICED * SPAN) return (locked = false);
    const share = span.filter((b) => b === 2).length / voiced;
    const recentVoiced = recent.filter((b) => b > 0).length;
    const voiceNow =
      recentVoiced >= Math.ceil(MUSIC_MIN_VOICED * RELEASE_S * 100) &&
      recent.filter((b) => b === 2).length < RELEASE_SHARE * recentVoiced;
    if (locked && voiceNow) releasedAt = bits.length;
    const cooling = bits.length - releasedAt < SPAN;
    locked = !voiceNow && !cooling && share >= (locked ? MUSIC_STAY_SHARE : MUSIC_ENTER_SHARE);
    return locked;
  };
}

describe('music gate', () => {
  it('decides as its rule recomputed from scratch every frame, over changing regimes', () => {
    const rand = rng(11);
    const input: number[] = [];
    while (input.length < 20_000) {
      const n = 50 + Math.floor(rand() * 600);
      const pick = rand();
      if (pick < 0.3) input.push(...heldNotes(n, input.length));
      else if (pick < 0.55) input.push(...voiceFrames(n, input.length));
      else if (pick < 0.7) input.push(...new Array<number>(n).fill(0));
      else input.push(...framesWithShare(0.5 + 0.45 * rand(), n));
    }
    const gate = createMusicGate();
    const reference = referenceGate();
    const decisions = input.map((f0) => [gate.update(f0), reference(f0)]);
    expect(decisions.filter(([a, b]) => a !== b).length).toBe(0);
    expect(decisions.filter(([a]) => a).length).toBeGreaterThan(2000); // it did lock, often
  });

  it('locks from MUSIC_ENTER_SHARE held, not under it, once it heard a whole span', () => {
    const under = createMusicGate();
    expect(framesWithShare(MUSIC_ENTER_SHARE - 0.04, 3 * SPAN).some((f0) => under.update(f0))).toBe(false);
    const over = createMusicGate();
    const locked = framesWithShare(MUSIC_ENTER_SHARE + 0.04, 2 * SPAN).map((f0) => over.update(f0));
    expect(locked.indexOf(true)).toBe(SPAN - 1);
    expect(locked.slice(SPAN).every(Boolean)).toBe(true);
  });

  it('stays locked while the share holds above MUSIC_STAY_SHARE, lets go under it', () => {
    for (const [share, stays] of [
      [MUSIC_STAY_SHARE + 0.06, true],
      [MUSIC_STAY_SHARE - 0.06, false],
    ] as const) {
      const gate = createMusicGate();
      for (const f0 of framesWithShare(0.95, SPAN)) gate.update(f0);
      const after = framesWithShare(share, 3 * SPAN).map((f0) => gate.update(f0));
      expect(
        after.slice(2 * SPAN).every((l) => l === stays),
        `share ${share}`,
      ).toBe(true);
    }
  });

  it('never takes a voice for music, and lets go within 0.6 s of a voice after music', () => {
    const gate = createMusicGate();
    expect(voiceFrames(6000, 2).some((f0) => gate.update(f0))).toBe(false);
    for (const f0 of heldNotes(2 * SPAN, 3)) gate.update(f0);
    const after = voiceFrames(1000, 4).map((f0) => gate.update(f0));
    expect(after[0]).toBe(true);
    expect(after.indexOf(false)).toBeLessThan(60);
    expect(after.slice(60).some(Boolean)).toBe(false);
  });

  it('leaves (almost) no speech in hold music after its first 5 s, as linear PCM and as µ-law', () => {
    const music = synthMusic({ sampleRateHz: RATE, durationS: 30 });
    const linear = speechOf(music);
    const mulaw = runChunked(
      encodeMuLaw(music),
      { format: { codec: 'pcmu', sampleRateHz: RATE } },
      () => 160,
    ).map((w) => w.speechFraction);
    for (const windows of [linear, mulaw]) {
      expect(windows.length).toBeGreaterThan(25);
      // Before the gate has heard 5 s, music is still speech (the VAD's own judgement).
      expect(windows.slice(0, 3).some((s) => s >= 0.25)).toBe(true);
      expect(Math.max(...windows.slice(7))).toBeLessThan(0.25);
    }
  });

  it('keeps speech in music whose notes glide like a voice (vibrato: its documented limit)', () => {
    const windows = speechOf(
      synthMusic({ sampleRateHz: RATE, durationS: 20, vibratoCents: 30, drums: false }),
    );
    expect(windows.slice(7).filter((s) => s >= 0.25).length).toBeGreaterThan(5);
  });

  it('hears the agent within 0.6 s when they pick up after hold music, at once after a dial tone (demo calls, real voices)', () => {
    const music = synthMusic({ sampleRateHz: RATE, durationS: 20 });
    const dialTone = new Float32Array(12 * RATE); // 350 + 440 Hz, continuous (ITU-T E.180)
    const [low, high] = [tone(350, RATE, 12, 0.25), tone(440, RATE, 12, 0.25)];
    for (let i = 0; i < dialTone.length; i++) dialTone[i] = low[i] + high[i];
    for (const id of ['call-1-calm', 'call-2-angry-recovers', 'call-3-sad', 'call-4-anxious-calms']) {
      const voice = decodeMuLaw(readShippedCall(id).agent).subarray(0, 30 * RATE);
      for (const [lead, name, maxDelayFrames] of [
        [music, 'music', 60],
        [dialTone, 'dial tone', 0],
      ] as const) {
        const joined = new Float32Array(lead.length + voice.length);
        joined.set(lead);
        joined.set(voice, lead.length);
        const alone = new Float32Array(joined.length);
        alone.set(voice, lead.length);
        const heard = speechFrames(joined);
        const reference = speechFrames(alone);
        const voiceStart = reference.indexOf(1);
        const leadFrames = lead.length / 80;
        expect(voiceStart, `${id} after ${name}`).toBeGreaterThanOrEqual(leadFrames);
        // The lead's last second is not speech: the gate (or the tone gate) held to its end.
        expect(heard.subarray(leadFrames - 100, leadFrames).indexOf(1), `${id} after ${name}`).toBe(-1);
        const delay = heard.indexOf(1, voiceStart) - voiceStart;
        expect(delay, `${id} after ${name}`).toBeGreaterThanOrEqual(0);
        expect(delay, `${id} after ${name}`).toBeLessThanOrEqual(maxDelayFrames);
        expect(Array.from(heard.subarray(voiceStart + 100)), `${id} after ${name}`).toEqual(
          Array.from(reference.subarray(voiceStart + 100)),
        );
      }
    }
  });
});
