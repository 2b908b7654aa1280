// Music is not speech: hold and queue music reaches a channel (a platform's outbound track carries
// what the caller hears) loud and voiced, so the energy VAD took most of it for speech. The agent
// of a queued call then had music as the calm start their voice is judged against, music read as
// "happy" or "tense", and a caller talking over it counted as overtalk. A voice glides: its F0
// moves more than a few cents from one 10 ms frame to the next in most voiced frames; an
// instrument holds each note, so most of its voiced frames are within 8 cents of the frame before.
// No published formula: the cue and its thresholds were chosen here, on the corpora below and the
// same 51 tracks the figures are measured on (in-sample; `npm run eval:music` prints them, with
// the corpora's highest share).
//
// Over the last 5 s, the share of voiced frames that held their pitch: the 2 061 547 frames of
// the seven corpora's 155 speakers, every speaker's clips back to back (`../shared/data`, 8 kHz),
// reached at most 0.737; 51 instrumental tracks (Debian's wesnoth-1.16-music and
// planetblupi-music-ogg, telephone band, µ-law) most of the time more. Enter at 0.79 (no corpus
// frame gated, margin 0.05), stay while ≥ 0.6, and let go at once when the last second sounds like
// a voice (RELEASE_SHARE). Limits: music with strong vibrato or a singer glides like a voice and
// stays speech; the first 5 s of music are speech (the gate has not heard enough); a voice right
// after music is gated for up to about 0.4 s; with music under a voice (a radio behind the caller)
// 3 % (music 20 dB below the voice's speech) to 8 % (10 dB below) of its speech frames are gated,
// the starts of turns after the music had the line. Pure, no I/O; no allocation per frame.

/** Seconds the share is taken over; the gate never decides before it heard them. */
export const MUSIC_SPAN_S = 5;
/** Largest F0 change (cents) from one 10 ms frame to the next that counts as a held pitch. */
export const HELD_CENTS_PER_10MS = 8;
/** Share of held voiced frames that locks the gate (the corpora's maximum, 0.737, + 0.05). */
export const MUSIC_ENTER_SHARE = 0.79;
/** Share under which a locked gate lets go. */
export const MUSIC_STAY_SHARE = 0.6;
/** Fewer voiced frames than this share of a span is too little to judge (never music). */
export const MUSIC_MIN_VOICED = 0.3;
/**
 * A voice after music: a last RELEASE_S with at least a MUSIC_MIN_VOICED share of voiced frames,
 * fewer than RELEASE_SHARE of them held, is a voice whatever the span before, and lets go of the
 * lock. The corpora's speech is under it in 90 % of its 1 s spans (median 0.23); the tracks'
 * music, while the gate held, in 1 % (median 0.84). Without it a voice after music waited about
 * 2.5 s (both measured on the same corpora and tracks the thresholds were chosen on).
 */
export const RELEASE_S = 1;
export const RELEASE_SHARE = 0.4;

export interface MusicGate {
  /**
   * Feeds one final frame's F0 (0 = unvoiced; a frame of a steady telephone tone counts as
   * unvoiced: tone-gate.ts owns it, and a long tone must not lock this gate past its end). True
   * while locked: the span reached MUSIC_ENTER_SHARE and has not fallen under MUSIC_STAY_SHARE nor
   * met a voice-like last second since (after which it does not lock again for a whole span).
   */
  update(f0Hz: number): boolean;
  /** The span's share of held voiced frames (NaN until a full span with enough voiced frames). */
  heldShare(): number;
}

/** `hopMs`: the frame hop (the spans are counted in frames, the held band scales with the hop). */
export function createMusicGate(hopMs = 10): MusicGate {
  const spanFrames = Math.max(1, Math.round((MUSIC_SPAN_S * 1000) / hopMs));
  const releaseFrames = Math.max(1, Math.min(spanFrames, Math.round((RELEASE_S * 1000) / hopMs)));
  const heldRatio = Math.pow(2, (HELD_CENTS_PER_10MS * (hopMs / 10)) / 1200);
  const minVoiced = Math.ceil(MUSIC_MIN_VOICED * spanFrames);
  const releaseMinVoiced = Math.ceil(MUSIC_MIN_VOICED * releaseFrames);
  // Per frame of the span: 1 voiced, 2 voiced and held (within the band of the frame before).
  const ring = new Uint8Array(spanFrames);
  // Counts in a typed array (closure slots would box on every update).
  const PREVIOUS_F0 = 0;
  const SEEN = 1; // frames seen, capped at the span
  const VOICED = 2; // voiced frames in the span
  const HELD = 3; // held frames in the span
  const RECENT_VOICED = 4; // the same over its last releaseFrames
  const RECENT_HELD = 5;
  const st = new Float64Array(6);
  let next = 0;
  let locked = false;
  // Frames before the gate may lock again after a voice released it: until then the span still
  // holds the music before the voice, and the voice's first pause locked it again (review).
  let cooldown = 0;
  return {
    update(f0Hz) {
      const voiced = f0Hz > 0;
      const prev = st[PREVIOUS_F0];
      const held = voiced && prev > 0 && f0Hz <= prev * heldRatio && prev <= f0Hz * heldRatio;
      const old = ring[next];
      if (old > 0) st[VOICED]--;
      if (old === 2) st[HELD]--;
      const leaving = ring[(next + spanFrames - releaseFrames) % spanFrames]; // 0 until written
      if (leaving > 0) st[RECENT_VOICED]--;
      if (leaving === 2) st[RECENT_HELD]--;
      const bits = held ? 2 : voiced ? 1 : 0;
      ring[next] = bits;
      next = next + 1 === spanFrames ? 0 : next + 1;
      if (bits > 0) {
        st[VOICED]++;
        st[RECENT_VOICED]++;
      }
      if (bits === 2) {
        st[HELD]++;
        st[RECENT_HELD]++;
      }
      st[PREVIOUS_F0] = voiced ? f0Hz : 0;
      if (st[SEEN] < spanFrames) st[SEEN]++;
      if (st[SEEN] < spanFrames || st[VOICED] < minVoiced) {
        locked = false;
        return false;
      }
      const share = st[HELD] / st[VOICED];
      const voiceNow =
        st[RECENT_VOICED] >= releaseMinVoiced && st[RECENT_HELD] < RELEASE_SHARE * st[RECENT_VOICED];
      if (locked && voiceNow) cooldown = spanFrames;
      if (cooldown > 0) cooldown--;
      locked = !voiceNow && cooldown === 0 && share >= (locked ? MUSIC_STAY_SHARE : MUSIC_ENTER_SHARE);
      return locked;
    },
    heldShare() {
      return st[SEEN] < spanFrames || st[VOICED] < minVoiced ? NaN : st[HELD] / st[VOICED];
    },
  };
}
