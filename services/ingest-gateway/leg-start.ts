// Where this stream's leg of the call starts, and when its started event leaves: it waits for the
// stream's first frame, whose audio time places the leg (a call resumed after a transfer goes on
// where it left off), and is sent at the end, a hand-over or a withdrawal of analytics when no
// frame came. Pure: the event itself is built by the injected `started`.
import type { OutRecord } from '../shared/producer.ts';
import type { DroppedCall } from './call-session-types.ts';

export interface LegStart {
  /** A call with analytics started: its start record waits for the first frame from now on. */
  announce(nowMs: number): void;
  /** The stream resumes `dropped` (null: a new call, or a resume from another gateway). */
  resume(dropped: DroppedCall | null): void;
  /** Whether the start record still waits for a first frame. */
  pending(): boolean;
  /**
   * When CallStart came (this gateway's clock): the start record's producedAtMs even though it
   * leaves at the first frame. The call store dates the start by it ("announced at"): a call whose
   * customer is erased after it is forgotten (erased-customers.ts), and a start without a frame
   * bounds its leg by it (store/legs.ts). Stamped at the first frame, a call started before an
   * erasure whose audio began after it was kept, and a transfer ended before its first frame got
   * a leg from the call's end.
   */
  announcedAtMs(): number;
  /**
   * Where a resume of a dropped stream this gateway remembers goes on (0 for a new call): the
   * audio time of a consent change or a leg start before this stream's first frame.
   */
  resumedAtMs(): number;
  /**
   * Where a leg whose stream sent no frame starts: a resume this gateway remembers goes on where
   * its dropped stream reached; otherwise unknown (a new call, or a resume from another gateway).
   */
  unplacedLegMs(): number | null;
  /** The start record while it still waits for a first frame (then none): `legStartMs` null = no frame came. */
  take(legStartMs: number | null): OutRecord[];
}

/** `started`: the call's started event placed at `legStartMs` (call-event.ts). */
export function createLegStart(started: (legStartMs: number | null) => OutRecord): LegStart {
  let startPending = false;
  let announcedAtMs = 0;
  let resumedAtMs = 0;
  let resumed = false;
  return {
    announce(nowMs) {
      startPending = true;
      announcedAtMs = nowMs;
    },
    resume(dropped) {
      resumed = dropped !== null;
      resumedAtMs = dropped?.audioMs ?? 0;
    },
    pending: () => startPending,
    announcedAtMs: () => announcedAtMs,
    resumedAtMs: () => resumedAtMs,
    unplacedLegMs: () => (resumed ? resumedAtMs : null),
    take(legStartMs) {
      if (!startPending) return [];
      startPending = false;
      return [started(legStartMs)];
    },
  };
}
