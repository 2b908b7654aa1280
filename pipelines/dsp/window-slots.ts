// The frames a window aggregates, as store slot lists (all, speech, voiced: selected once per
// window, not per field), and the readers of one field over a selection. Pure, no I/O; the lists
// live in the analyzer's scratch, so nothing here allocates per window.
import { FRAME_FIELD, type FrameStore } from './frame-store.ts';
import { mean, std } from './stats.ts';

/** Slot list of a selection of a window's frames; `count` of `list` are in use. */
export interface Slots {
  readonly list: Int32Array;
  count: number;
}

export interface WindowSlots {
  readonly all: Slots;
  readonly speech: Slots;
  readonly voiced: Slots;
}

export function createWindowSlots(frames: number): WindowSlots {
  const slots = (): Slots => ({ list: new Int32Array(frames), count: 0 });
  return { all: slots(), speech: slots(), voiced: slots() };
}

/** Fills `slots` with the store slots of frames [first, end): all, speech (VAD) and voiced (f0 > 0). */
export function selectSlots(store: FrameStore, first: number, end: number, slots: WindowSlots): void {
  const d = store.data;
  // Field offsets as FrameStore.at, hoisted out of the loop.
  const cap = store.capacity;
  const speechBase = FRAME_FIELD.speech * cap;
  const f0Base = FRAME_FIELD.f0 * cap;
  const { all, speech, voiced } = slots;
  let speechFrames = 0;
  let voicedFrames = 0;
  for (let i = first; i < end; i++) {
    const slot = i % cap;
    all.list[i - first] = slot;
    if (d[speechBase + slot] > 0) speech.list[speechFrames++] = slot;
    if (d[f0Base + slot] > 0) voiced.list[voicedFrames++] = slot;
  }
  all.count = end - first;
  speech.count = speechFrames;
  voiced.count = voicedFrames;
}

/** Copies the non-NaN values of `field` at the listed slots into `out`; returns the count. */
export function gather(store: FrameStore, field: number, slots: Slots, out: Float64Array): number {
  const d = store.data;
  const base = field * store.capacity;
  const list = slots.list;
  const count = slots.count;
  let n = 0;
  for (let k = 0; k < count; k++) {
    const v = d[base + list[k]];
    if (v === v) out[n++] = v;
  }
  return n;
}

/** Sum of `field` over frames [first, end) (the period-mark sums, NaN-free by construction). */
export function sumField(store: FrameStore, first: number, end: number, field: number): number {
  let s = 0;
  for (let i = first; i < end; i++) s += store.data[store.at(i, field)];
  return s;
}

/**
 * Writes the mean and standard deviation of `field` over `slots` to `fx` at `meanAt` / `stdAt`
 * (gathered through `scratch`); returns the mean.
 */
export function meanStdInto(
  store: FrameStore,
  field: number,
  slots: Slots,
  scratch: Float64Array,
  fx: Float64Array,
  meanAt: number,
  stdAt: number,
): number {
  const k = gather(store, field, slots, scratch);
  const m = mean(scratch, k);
  fx[meanAt] = m;
  fx[stdAt] = std(scratch, k);
  return m;
}
