// Twilio media payloads as the gateway's 20 ms frames: slots counted from each track's first
// timestamp, so a track whose timestamps sit off the 20 ms grid keeps every frame.
import { describe, expect, it } from 'vitest';
import { createTwilioFramer } from '../../../../services/ingest-gateway/twilio-framer.ts';
import type { RawAudioFrame } from '../../../../services/ingest-gateway/validate.ts';

const media = (timestampMs: number, fill: number, bytes = 160) => ({
  track: 'inbound' as const,
  chunk: 0,
  timestampMs,
  payload: Buffer.alloc(bytes, fill),
});

describe('Twilio framer', () => {
  it('keeps every frame of a track whose timestamps sit half a slot off the grid, with jitter', () => {
    const framer = createTwilioFramer();
    const frames: RawAudioFrame[] = [];
    const stamps = [10, 29, 50, 69, 90, 109, 130, 149, 170, 189];
    stamps.forEach((t, i) => framer.push(media(t, 0x20 + i), 0, (f) => frames.push(f)));
    expect(frames.map((f) => f.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(frames.map((f) => f.payload[0])).toEqual(stamps.map((_, i) => 0x20 + i));
  });

  it('keeps every frame when the first timestamp itself is off by the jitter', () => {
    const framer = createTwilioFramer();
    const frames: RawAudioFrame[] = [];
    const stamps = [9, 20, 40, 60, 71, 91, 111];
    stamps.forEach((t, i) => framer.push(media(t, i), 0, (f) => frames.push(f)));
    expect(frames.map((f) => f.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('still leaves a slot free for a lost frame, and drops a repeated one (10 ms halves too)', () => {
    const framer = createTwilioFramer();
    const frames: RawAudioFrame[] = [];
    for (const t of [0, 20, 60, 60, 80]) framer.push(media(t, 1), 0, (f) => frames.push(f));
    expect(frames.map((f) => f.sequence)).toEqual([0, 1, 3, 4]);
    // A repeated half was spliced into the audio: every later frame moved by 10 ms.
    const halves = createTwilioFramer();
    const out: RawAudioFrame[] = [];
    [0, 10, 10, 20, 30].forEach((t, i) => halves.push(media(t, i, 80), 0, (f) => out.push(f)));
    expect(out.map((f) => [f.sequence, f.audioTimeMs, f.payload[0], f.payload[80]])).toEqual([
      [0, 0, 0, 1],
      [1, 20, 3, 4],
    ]);
  });

  it('refuses a message inside audio the track already sent: a long payload, or a step back', () => {
    const framer = createTwilioFramer();
    const frames: RawAudioFrame[] = [];
    framer.push(media(0, 1, 16_000), 0, (f) => frames.push(f)); // 2 s in one message
    expect(frames).toHaveLength(100);
    // The real frame stamped 20 ms took slot 1 of the 2 s already sent: dropped as a repeat.
    expect(() => framer.push(media(20, 2), 0, (f) => frames.push(f))).toThrow(
      expect.objectContaining({
        code: 'OUT_OF_ORDER',
        message: 'media at 20 ms inside the inbound audio already sent (to 2000 ms)',
      }),
    );
    const back = createTwilioFramer();
    for (const t of [0, 20, 40]) back.push(media(t, 1), 0, () => undefined);
    expect(() => back.push(media(20, 1), 0, () => undefined)).toThrow(
      expect.objectContaining({ code: 'OUT_OF_ORDER' }),
    );
    // Ten-millisecond halves and the next message after the long one are fine.
    const halves = createTwilioFramer();
    for (const t of [0, 10, 20, 30]) halves.push(media(t, 1, 80), 0, () => undefined);
    framer.push(media(2000, 3), 0, (f) => frames.push(f));
    expect(frames.at(-1)?.sequence).toBe(100);
  });
});
