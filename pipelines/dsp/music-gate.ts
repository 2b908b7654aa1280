// Music is not speech: hold and queue music reaches a channel (a platform's outbound track carries
// what the caller hears) loud and voiced, so the energy VAD took most of it for speech. The agent
// of a queued call then had music as the calm start their voice is judged against, music read as
// "happy" or "tense", and a caller talking over it counted as overtalk. A voice glides: its F0
// moves more than a few cents from one 10 ms frame to the next in most voiced frames; an
// instrument holds each note, so most of its voiced frames are within 8 cents of the frame before.
// No published formula: the cue and its thresholds were measured here (scripts/eval-music.ts).
//
// Over the last 5 s, the share of voiced frames that held their pitch: the 2 061 547 frames of
// the seven corpora's 155 speakers, every speaker's clips back to back (`../shared/data`, 8 kHz),
// reached at most 0.737; 51 instrumental tracks (Debian's wesnoth-1.16-music and
// planetblupi-music-ogg, telephone band, µ-law) most of the time more. Enter at 0.79 (no corpus
// frame gated, margin 0.05), stay while ≥ 0.6, and let go at once when the last second sounds like
// a voice (RELEASE_SHARE). Limits: music with strong vibrato or a singer glides like a voice and
// stays speech; the first 5 s of music are speech (the gate has not heard enough); a voice right
// after music is gated for up to about 0.5 s; with music under a voice (a radio behind the caller)
// 3 % (music 20 dB below the voice) to 6 % (10 dB below) of its speech frames are gated, the
// starts of turns after the music had the line. Pure, no I/O; no allocation per frame.

/** Frames (10 ms hop: 5 s) the share is taken over; the gate never decides before it saw them. */
export const MUSIC_FRAMES = 500;
/** Largest F0 change (cents) from the previous frame that counts as a held pitch. */
export const HELD_CENTS = 8;
/** Share of held voiced frames that locks the gate (the corpora's maximum, 0.737, + 0.05). */
export const MUSIC_ENTER_SHARE = 0.79;
/** Share under which a locked gate lets go. */
export const MUSIC_STAY_SHARE = 0.6;
/** Fewer voiced frames than this share of MUSIC_FRAMES is too little to judge (never music). */
export const MUSIC_MIN_VOICED = 0.3;
/**
 * A voice after music: the last RELEASE_FRAMES (1 s) with at least a MUSIC_MIN_VOICED share of
 * voiced frames, fewer than RELEASE_SHARE of them held, are a voice whatever the 5 s before. The
 * corpora's speech is under it in 90 % of its 1 s spans (median 0.23); the tracks' music, while the
 * gate held, in 1 % (median 0.84). Without it a voice after music waited about 2.5 s.
 */
export const RELEASE_FRAMES = 100;
export const RELEASE_SHARE = 0.4;

const HELD_RATIO = Math.pow(2, HELD_CENTS / 1200);
const MIN_VOICED_FRAMES = Math.ceil(MUSIC_MIN_VOICED * MUSIC_FRAMES);
const RELEASE_MIN_VOICED = Math.ceil(MUSIC_MIN_VOICED * RELEASE_FRAMES);

export interface MusicGate {
  /** Feeds one final frame's F0 (0 = unvoiced); true while the last MUSIC_FRAMES sound like music. */
  update(f0Hz: number): boolean;
}

export function createMusicGate(): MusicGate {
  // Per frame of the span: 1 voiced, 2 voiced and held (within HELD_CENTS of the frame before).
  const ring = new Uint8Array(MUSIC_FRAMES);
  // [previous F0, frames seen (capped), voiced and held frames in the span, the same in its last
  // RELEASE_FRAMES]
  const st = new Float64Array(6);
  let next = 0;
  let locked = false;
  return {
    update(f0Hz) {
      const voiced = f0Hz > 0;
      const prev = st[0];
      const held = voiced && prev > 0 && f0Hz <= prev * HELD_RATIO && prev <= f0Hz * HELD_RATIO;
      const old = ring[next];
      if (old > 0) st[2]--;
      if (old === 2) st[3]--;
      const leaving = ring[(next + MUSIC_FRAMES - RELEASE_FRAMES) % MUSIC_FRAMES]; // 0 until seen
      if (leaving > 0) st[4]--;
      if (leaving === 2) st[5]--;
      const bits = held ? 2 : voiced ? 1 : 0;
      ring[next] = bits;
      next = next + 1 === MUSIC_FRAMES ? 0 : next + 1;
      if (bits > 0) {
        st[2]++;
        st[4]++;
      }
      if (bits === 2) {
        st[3]++;
        st[5]++;
      }
      st[0] = voiced ? f0Hz : 0;
      if (st[1] < MUSIC_FRAMES) st[1]++;
      if (st[1] < MUSIC_FRAMES || st[2] < MIN_VOICED_FRAMES) {
        locked = false;
        return false;
      }
      const share = st[3] / st[2];
      const voiceNow = st[4] >= RELEASE_MIN_VOICED && st[5] < RELEASE_SHARE * st[4];
      // A voice lets go of the lock: after it, music must reach the entry share again.
      locked = !voiceNow && share >= (locked ? MUSIC_STAY_SHARE : MUSIC_ENTER_SHARE);
      return locked;
    },
  };
}
