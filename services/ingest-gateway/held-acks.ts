// A stream's acks while a consent change it made waits for the broker: held, and written in order
// once the change's consent-changed event is acknowledged, so a client told NOT_ANALYSED knows the
// change is in Kafka (a resume on another gateway then reads it there, consent-feed.ts). Acks
// held by a change the broker refused are never written: the stream ends UNAVAILABLE instead.
// Pure apart from the promises.

export interface HeldAcks<A> {
  /** Acks from now on wait for `announced` (true once the broker acknowledged it). */
  holdUntil(announced: Promise<boolean>): void;
  /** Writes `ack` now, or once every change announced before it is acknowledged. */
  write(ack: A): void;
  /**
   * Runs `then` once every ack written so far went out (or was dropped with its refused change):
   * a stream closed before that lost them (the CallEnd's ENDED ack behind two changes).
   */
  settled(then: () => void): void;
  /** What the held acks wait for (null when none is held): a hand-over's status waits for it too. */
  pending(): Promise<boolean> | null;
}

export function createHeldAcks<A>(writeAck: (ack: A) => void): HeldAcks<A> {
  let held: Promise<boolean> | null = null;
  return {
    holdUntil(announced) {
      const before = held;
      const all = before ? Promise.all([before, announced]).then(([a, b]) => a && b) : announced;
      held = all;
      // Registered before any ack waits on it, so it runs first: acks after this one go out at once.
      void all.then(() => {
        if (held === all) held = null;
      });
    },
    write(ack) {
      if (!held) return writeAck(ack);
      void held.then((acknowledged) => {
        if (acknowledged) writeAck(ack);
      });
    },
    pending: () => held,
    settled(then) {
      if (!held) return then();
      void held.then(() => then());
    },
  };
}
