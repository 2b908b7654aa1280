// Music is not speech: held notes over 5 s lock the music gate and leave (almost) no speech
// windows (hold music read as a "happy" or "tense" agent, taught the agent's calm start, and
// counted as overtalk before), while a voice, gliding and jittering, is never taken for music,
// and a voice right after music is heard again within about a second.
import { describe, expect, it } from 'vitest';
import { decodeMuLaw, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import { frameTrack } from '../../../../pipelines/dsp/frame-track.ts';
import { createMusicGate, MUSIC_FRAMES } from '../../../../pipelines/dsp/music-gate.ts';
import { synthMusic } from '../../../../devkit/audio/test-music.ts';
import { rng } from '../../../../devkit/audio/test-signals.ts';
import { readShippedCall } from '../../../support/nemo-calls.ts';
import { floatBytes, runChunked } from './helpers.ts';

const RATE = 8000;
const speechOf = (x: Float32Array): number[] =>
  runChunked(floatBytes(x), { format: { codec: 'float32', sampleRateHz: RATE } }, () => 160).map(
    (w) => w.speechFraction,
  );

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
  let cents = 0;
  let direction = 1;
  return Array.from({ length: frames }, (_, i) => {
    if (i % 23 >= 15) return 0;
    if (rand() < 0.1) direction = -direction;
    if (Math.abs(cents) > 600) direction = cents > 0 ? -1 : 1; // a voice turns; it does not hold a ceiling
    cents += direction * (10 + 30 * rand());
    return 160 * Math.pow(2, cents / 1200);
  });
}

describe('music gate', () => {
  it('locks on held notes once it heard MUSIC_FRAMES of them, and stays locked', () => {
    const gate = createMusicGate();
    const music = heldNotes(3 * MUSIC_FRAMES, 1).map((f0) => gate.update(f0));
    expect(music.indexOf(true)).toBe(MUSIC_FRAMES - 1);
    expect(music.slice(MUSIC_FRAMES).every(Boolean)).toBe(true);
  });

  it('never takes a voice for music, and lets go within 2 s of a voice after music', () => {
    const gate = createMusicGate();
    expect(voiceFrames(6000, 2).some((f0) => gate.update(f0))).toBe(false);
    for (const f0 of heldNotes(2 * MUSIC_FRAMES, 3)) gate.update(f0);
    const after = voiceFrames(1000, 4).map((f0) => gate.update(f0));
    expect(after.indexOf(false)).toBeGreaterThan(0);
    expect(after.indexOf(false)).toBeLessThan(200);
    expect(after.slice(200).some(Boolean)).toBe(false);
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

  it('hears the agent again within 1.5 s when they pick up after hold music (the demo calls, real voices)', () => {
    const music = synthMusic({ sampleRateHz: RATE, durationS: 20 });
    const speechFrames = (x: Float32Array): Uint8Array =>
      frameTrack(floatBytes(x), { format: { codec: 'float32', sampleRateHz: RATE } }).speech;
    for (const id of ['call-1-calm', 'call-2-angry-recovers', 'call-3-sad', 'call-4-anxious-calms']) {
      const voice = decodeMuLaw(readShippedCall(id).agent).subarray(0, 30 * RATE);
      const afterMusic = new Float32Array(music.length + voice.length);
      afterMusic.set(music);
      afterMusic.set(voice, music.length);
      const alone = new Float32Array(afterMusic.length);
      alone.set(voice, music.length);
      const heard = speechFrames(afterMusic);
      const reference = speechFrames(alone);
      const voiceStart = reference.indexOf(1); // 10 ms frames
      expect(voiceStart, id).toBeGreaterThanOrEqual(2000);
      expect(heard.indexOf(1, 1900) - voiceStart, id).toBeLessThan(150);
      expect(Array.from(heard.subarray(voiceStart + 200)), id).toEqual(
        Array.from(reference.subarray(voiceStart + 200)),
      );
    }
  });
});
