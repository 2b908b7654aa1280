// One-way audio on the customer's leg: the agent talks, stops for an answer, talks again, and the
// customer's channel carries no speech of hers at all (digital silence from a broken RTP leg or a
// NAT that drops one direction, or only line or comfort noise). Without this the call read as a
// calm or silent customer, talk ratio 1.0 held against the agent, and "nobody has spoken" cues.
// Judged per frame from the two channels' own speech (VAD, the customer's echo-gated), in frame
// order; hold frames neither count nor break a run (the customer hears music, the agent is away).
// Mutable state of one call; pure, no I/O, no allocation.
//
// Why the thresholds: a customer who listens in silence while the agent explains is normal, but
// not for 20 s across several of the agent's pauses, each long enough to hand over the turn (a
// gap of 2 s or more: Heldner & Edlund 2010 measured gaps between turns at a few hundred ms,
// rarely over 1 s). On the shipped demo calls (clean and with -55 dBFS line noise, and every
// eval:echo condition) the customer's longest run without speech is far under it
// (`npm run eval:line`, pipelines/dsp/README.md "Line faults").

/** Customer frames without her speech (10 ms hop: 20 s) before the line is suspected. */
export const LINE_QUIET_FRAMES = 2000;
/** ... in which the agent spoke this many frames (8 s) at least: a quiet call is not a line fault. */
export const LINE_AGENT_SPEECH_FRAMES = 800;
/** ... and stopped for an answer this many times at least (a pause of YIELD_FRAMES after speech). */
export const LINE_UNANSWERED_TURNS = 3;
/** Mutual silence after the agent's speech that hands the turn over (200 frames: 2 s). */
export const YIELD_FRAMES = 200;

export interface LineWatch {
  /** Frames since the customer last spoke (hold frames not counted). */
  quietFrames: number;
  /** The agent's speech frames and unanswered turns within that run. */
  agentFrames: number;
  unanswered: number;
  /** Mutual-silence frames since the agent last spoke (-1: she has not spoken in the run). */
  sinceAgent: number;
  /** The fault's recognised frame (-1: none now). */
  faultFrom: number;
  /**
   * The run's first frame (-1: she was just heard): a dsp-worker replaying from before it after a
   * restart rebuilds this state (services/dsp-worker/call-states.ts holds its commit back to it).
   */
  runFrom: number;
}

export function createLineWatch(): LineWatch {
  return { quietFrames: 0, agentFrames: 0, unanswered: 0, sinceAgent: -1, faultFrom: -1, runFrom: -1 };
}

/** A fault holds at this point of the run (checked after each frame). */
function faulty(w: LineWatch): boolean {
  return (
    w.quietFrames >= LINE_QUIET_FRAMES &&
    w.agentFrames >= LINE_AGENT_SPEECH_FRAMES &&
    w.unanswered >= LINE_UNANSWERED_TURNS
  );
}

/**
 * Takes frame `frame` (in order): `agent` and `customer` are each one's own speech (1/0), `held`
 * the call on hold. Returns whether the customer's line is faulty at this frame.
 */
export function watchLine(
  w: LineWatch,
  frame: number,
  agent: number,
  customer: number,
  held: boolean,
): boolean {
  if (held) return w.faultFrom >= 0;
  if (customer === 1) {
    // She is heard: the line carries her, whatever it did before.
    w.quietFrames = 0;
    w.agentFrames = 0;
    w.unanswered = 0;
    w.sinceAgent = -1;
    w.faultFrom = -1;
    w.runFrom = -1;
    return false;
  }
  if (w.runFrom < 0) w.runFrom = frame;
  w.quietFrames++;
  if (agent === 1) {
    w.agentFrames++;
    w.sinceAgent = 0;
  } else if (w.sinceAgent >= 0 && ++w.sinceAgent === YIELD_FRAMES) {
    w.unanswered++;
  }
  if (w.faultFrom < 0 && faulty(w)) w.faultFrom = frame;
  return w.faultFrom >= 0;
}
