// Where one channel of a call was on hold (the platform's CallHold, carried on its audio chunks),
// as spans of analysis frames: [from, to), `to` open while the hold lasts. Holds are rare (a few a
// call), so a short list; frames before the oldest window still to come are trimmed. Pure, no I/O.

export class HoldSpans {
  /** Flat [from0, to0, from1, to1, …]; the last `to` is Infinity while on hold. */
  private readonly edges: number[] = [];

  get onHold(): boolean {
    return this.edges.length > 0 && this.edges[this.edges.length - 1] === Number.POSITIVE_INFINITY;
  }

  /** The channel is (or is not) on hold from `frame` on; a repeat of the current state changes nothing. */
  mark(frame: number, onHold: boolean): void {
    if (onHold === this.onHold) return;
    if (onHold) this.edges.push(frame, Number.POSITIVE_INFINITY);
    else this.edges[this.edges.length - 1] = frame;
  }

  /** Frames of [first, end) on hold. */
  framesIn(first: number, end: number): number {
    let held = 0;
    for (let k = 0; k < this.edges.length; k += 2)
      held += Math.max(0, Math.min(end, this.edges[k + 1]) - Math.max(first, this.edges[k]));
    return held;
  }

  heldAt(frame: number): boolean {
    for (let k = 0; k < this.edges.length; k += 2)
      if (frame >= this.edges[k] && frame < this.edges[k + 1]) return true;
    return false;
  }

  /** Forgets spans that ended before `frame`. */
  trimBefore(frame: number): void {
    let drop = 0;
    while (drop < this.edges.length && this.edges[drop + 1] <= frame) drop += 2;
    if (drop > 0) this.edges.splice(0, drop);
  }
}
