// Where each agent leg of a call starts on one channel's audio timeline (AudioChunk.agent_leg, a
// digest of the leg's agent; pipelines/agent-leg.ts), so every feature window can say whose leg its
// newest audio is: the consumers restart the agent channel's baselines where it changes. Built from
// the records themselves, so a replay from the held commit rebuilds the same marks. A call has a
// few legs: the list grows only when the leg changes, and keeps at most MAX_SPANS. Pure, no I/O.
import { UNKNOWN_AGENT_LEG } from '../../pipelines/agent-leg.ts';

/** More legs than any transferred call has; the oldest go first (their windows are long emitted). */
const MAX_SPANS = 32;

export class AgentLegSpans {
  /** Flat [fromMs0, leg0, fromMs1, leg1, …], fromMs ascending. */
  private readonly spans: number[] = [];

  /** The channel's audio from `fromMs` on is of `leg` (0 = unknown: the previous leg goes on). */
  mark(fromMs: number, leg: number | undefined): void {
    if (leg === undefined || leg === UNKNOWN_AGENT_LEG) return;
    const n = this.spans.length;
    if (n > 0 && this.spans[n - 1] === leg) return;
    // A record placed before the last mark (a duplicate the cursor drops) does not move it back.
    this.spans.push(n > 0 ? Math.max(fromMs, this.spans[n - 2]) : fromMs, leg);
    if (this.spans.length > 2 * MAX_SPANS) this.spans.splice(0, 2);
  }

  /** The leg of the newest audio of a window ending at `endMs` (exclusive); 0 when unknown. */
  legOfWindowEnding(endMs: number): number {
    for (let k = this.spans.length - 2; k >= 0; k -= 2) if (this.spans[k] < endMs) return this.spans[k + 1];
    return this.spans.length > 0 ? this.spans[1] : UNKNOWN_AGENT_LEG;
  }
}
