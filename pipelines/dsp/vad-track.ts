// One channel's per-frame voice activity, level and own-voice level, kept for the two-speaker
// dynamics (dynamics.ts) over the last seconds of a call: an absolute frame offset, frames before
// it dropped. Pure, no I/O; arrays grow by doubling, never per frame.

export interface VadTrack {
  offset: number;
  length: number;
  data: Uint8Array;
  /** Frame energy (dBFS), parallel to `data`. */
  level: Float32Array;
  /** The channel's own voice level at each frame (echo-gate.ts), -Infinity until heard. */
  voice: Float32Array;
  /** Frames whose `voice` is known: [offset, voiceEnd). */
  voiceEnd: number;
}

export function createVadTrack(): VadTrack {
  return {
    offset: 0,
    length: 0,
    data: new Uint8Array(1024),
    level: new Float32Array(1024),
    voice: new Float32Array(1024),
    voiceEnd: 0,
  };
}

function grown<T extends Uint8Array | Float32Array>(array: T, size: number, used: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array.subarray(0, used));
  return bigger;
}

export function appendVad(t: VadTrack, frame: number, speech: boolean, levelDb: number): void {
  const idx = frame - t.offset;
  if (idx < 0) return;
  if (idx >= t.data.length) {
    const size = Math.max(t.data.length * 2, idx + 1);
    t.data = grown(t.data, size, t.length);
    t.level = grown(t.level, size, t.length);
    t.voice = grown(t.voice, size, t.length);
  }
  for (let k = t.length; k < idx; k++) {
    t.data[k] = 0;
    t.level[k] = -Infinity;
  }
  t.data[idx] = speech ? 1 : 0;
  t.level[idx] = levelDb;
  t.length = Math.max(t.length, idx + 1);
}

export function vadAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.data[idx] : 0;
}

export function levelAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && idx < t.length ? t.level[idx] : -Infinity;
}

/** The channel's own voice level at `frame`; -Infinity before it is known or heard. */
export function voiceAt(t: VadTrack, frame: number): number {
  const idx = frame - t.offset;
  return idx >= 0 && frame < t.voiceEnd ? t.voice[idx] : -Infinity;
}

/** Drops frames before `frame` (keeps memory bounded). */
export function trimVad(t: VadTrack, frame: number): void {
  const drop = Math.min(t.length, frame - t.offset);
  if (drop <= 0) return;
  t.data.copyWithin(0, drop, t.length);
  t.level.copyWithin(0, drop, t.length);
  t.voice.copyWithin(0, drop, t.length);
  t.length -= drop;
  t.offset += drop;
}
