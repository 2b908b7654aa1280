// Twilio media payloads as the gateway's frames: one per 20 ms slot of the stream's timeline
// (the track's previous slot plus the time since it in 20 ms steps), so the batcher fills a
// skipped slot with silence and drops a repeated one.
// The slot is Twilio's fixed frame size, never a message's own length: a 1-byte payload once made
// its slot 1/160 of a frame, its sequence 160 times too far ahead, and the batcher dropped the
// track's next seconds as late. Twilio sends 160-byte payloads (passed on as they are, no copy);
// any other length is gathered per track into whole 20 ms frames (two 10 ms payloads make one),
// and a frame left incomplete by a jump in the timestamps, or at the stream's end, is padded
// with µ-law silence (0xFF). A message whose timestamp falls inside audio the track already
// sent (but the same timestamp again: a repeat, dropped) is a broken sender: a 2 s
// payload at 0 ms filled the slots of the real frames stamped 20, 40 … after it, and they were
// dropped as repeats without a word. Pure but for the frames it hands to `emit`.
import { IngestError } from './errors.ts';
import { channelOfTrack, TWILIO_FRAME_MS, type TwilioMedia, type TwilioTrack } from './twilio-protocol.ts';
import type { RawAudioFrame } from './validate.ts';

const FRAME_BYTES = 8 * TWILIO_FRAME_MS; // 8 kHz µ-law: one byte a sample
const SILENCE = 0xff;

interface Pending {
  bytes: Buffer;
  length: number;
  /** Audio time of the pending bytes' first sample. */
  startMs: number;
}

export interface TwilioFramer {
  /** Hands the message's whole frames to `emit`, in order; `offsetMs` shifts a resumed stream. */
  push(media: TwilioMedia, offsetMs: number, emit: (frame: RawAudioFrame) => void): void;
  /** Hands on each track's incomplete frame, padded with silence (the stream ends). */
  flush(emit: (frame: RawAudioFrame) => void): void;
}

export function createTwilioFramer(): TwilioFramer {
  const pending = new Map<TwilioTrack, Pending>();
  /**
   * Per track, the last frame's time and slot: a frame's slot is the last one's plus the time
   * between them in 20 ms steps, rounded. Slots of absolute times (timestamp / 20 ms) put a track
   * whose timestamps sit half a slot off the grid (10, 29, 50, 69 …: a 10 ms offset with 1 ms of
   * jitter) on the rounding edge, two frames to a slot, and the batcher dropped half of them as
   * repeats; a grid anchored on one timestamp shifts with that timestamp's own jitter.
   */
  const last = new Map<TwilioTrack, { ms: number; slot: number }>();
  /** Per track, the previous message's timestamp and where its audio ended (ms). */
  const sent = new Map<TwilioTrack, { atMs: number; endMs: number }>();
  const slotOf = (track: TwilioTrack, startMs: number): number => {
    const prev = last.get(track);
    if (prev === undefined) {
      const slot = Math.round(startMs / TWILIO_FRAME_MS);
      last.set(track, { ms: startMs, slot });
      return slot;
    }
    prev.slot += Math.round((startMs - prev.ms) / TWILIO_FRAME_MS);
    prev.ms = startMs;
    return prev.slot;
  };

  const frame = (track: TwilioTrack, startMs: number, payload: Buffer): RawAudioFrame => ({
    channel: channelOfTrack(track),
    sequence: slotOf(track, startMs),
    audioTimeMs: startMs,
    payload,
  });
  const flushTrack = (track: TwilioTrack, p: Pending, emit: (frame: RawAudioFrame) => void) => {
    if (p.length === 0) return;
    const padded = Buffer.alloc(FRAME_BYTES, SILENCE);
    p.bytes.copy(padded, 0, 0, p.length);
    p.length = 0;
    emit(frame(track, p.startMs, padded));
  };

  return {
    push(media, offsetMs, emit) {
      const atMs = media.timestampMs + offsetMs;
      const { payload, track } = media;
      const before = sent.get(track);
      // The same timestamp again: a repeat, dropped (a repeated 10 ms half was spliced into the
      // audio and shifted every later frame).
      if (before && atMs === before.atMs) return;
      if (before && atMs < before.endMs - TWILIO_FRAME_MS / 2)
        throw new IngestError(
          'OUT_OF_ORDER',
          `media at ${media.timestampMs} ms inside the ${track} audio already sent (to ${before.endMs - offsetMs} ms)`,
        );
      const endMs = atMs + payload.byteLength / 8;
      sent.set(track, { atMs, endMs: Math.max(endMs, before?.endMs ?? endMs) });
      let p = pending.get(track);
      // Not where the pending bytes end (a lost message, a jump, a short one): that frame ends here.
      if (
        p !== undefined &&
        p.length > 0 &&
        Math.abs(atMs - (p.startMs + p.length / 8)) >= TWILIO_FRAME_MS / 2
      )
        flushTrack(track, p, emit);
      if ((p === undefined || p.length === 0) && payload.byteLength === FRAME_BYTES) {
        emit(frame(track, atMs, payload));
        return;
      }
      if (p === undefined) {
        p = { bytes: Buffer.alloc(FRAME_BYTES), length: 0, startMs: atMs };
        pending.set(track, p);
      }
      if (p.length === 0) p.startMs = atMs;
      for (let at = 0; at < payload.byteLength;) {
        const take = Math.min(FRAME_BYTES - p.length, payload.byteLength - at);
        payload.copy(p.bytes, p.length, at, at + take);
        p.length += take;
        at += take;
        if (p.length === FRAME_BYTES) {
          emit(frame(track, p.startMs, Buffer.from(p.bytes)));
          p.length = 0;
          p.startMs += TWILIO_FRAME_MS;
        }
      }
    },
    flush(emit) {
      for (const [track, p] of pending) flushTrack(track, p, emit);
    },
  };
}
