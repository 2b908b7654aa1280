// One-way audio on the customer's leg: the agent talks, stops for an answer, talks again, and the
// customer's channel carries no speech of hers at all (digital silence from a broken RTP leg or a
// NAT that drops one direction, or only line or comfort noise). Without this the call read as a
// calm or silent customer, talk ratio 1.0 held against the agent, and "nobody has spoken" cues.
// Judged per frame from the two channels' own speech (VAD, the customer's echo-gated) and the
// customer channel's frame level, in frame order; hold frames neither count nor break a run (the
// customer hears music, the agent is away). Mutable state of one call; pure, no I/O, no allocation.
//
// Two kinds of evidence, because a customer who waits quietly ("one moment, let me check", three
// lookups of 5 s; the agent reading terms) looks like a dead line by speech alone:
// - a DEAD channel (digital silence, every frame under DEAD_LINE_DBFS for most of the run): a live
//   handset always carries something (the microphone's and the room's noise, breathing, her line's
//   noise: -65..-45 dBFS at 8 kHz µ-law, whose smallest step alone reads about -78 dBFS), a leg
//   that sends no RTP (the gateway fills zeros) carries nothing. 20 s, 8 s of the agent's speech
//   and 3 pauses of 2 s or more (Heldner & Edlund 2010: gaps between turns are a few hundred ms,
//   rarely over 1 s) is then a fault, as before.
//   The same when she has not been heard since the call began (the run starts at frame 0): a
//   customer waits for an answer to something she asked, so she spoke first; a replay after a
//   restart starts at the run's first frame (audio time), so it judges the run the same way.
// - a channel that carries noise (comfort noise or line noise on a dead leg, or a live customer's
//   room): that noise cannot tell them apart at 8 kHz (stationary noise either way), so the
//   agent's turn-taking must: 30 s, 12 s of her speech and 5 RE-PROMPTS, pauses of 2-4 s that the
//   agent ends herself ("hello? ... can you hear me?"). A lookup ("let me check") is a longer
//   pause, and reading aloud has none of 2 s: a waiting customer is not suspected.
// On the shipped demo calls (clean and with -55 dBFS line noise, and every eval:echo condition)
// and the eval's waiting-customer conditions nothing is suspected (`npm run eval:line`,
// pipelines/dsp/README.md "One-way audio").

/** A customer frame under this level (dBFS) carries nothing: digital silence, no RTP. */
export const DEAD_LINE_DBFS = -70;
/** The run is a dead channel when at least this share of its frames are (the rest: before it died). */
export const DEAD_SHARE = 0.8;

/** Customer frames without her speech (10 ms hop: 20 s) before the line is suspected. */
export const LINE_QUIET_FRAMES = 2000;
/** ... in which the agent spoke this many frames (8 s) at least: a quiet call is not a line fault. */
export const LINE_AGENT_SPEECH_FRAMES = 800;
/** ... and stopped for an answer this many times at least (a pause of YIELD_FRAMES after speech). */
export const LINE_UNANSWERED_TURNS = 3;
/** Mutual silence after the agent's speech that hands the turn over (200 frames: 2 s). */
export const YIELD_FRAMES = 200;
/** A channel carrying noise: frames without her speech (30 s) before the line is suspected. */
export const NOISY_LINE_QUIET_FRAMES = 3000;
/** ... the agent's speech frames in them (12 s). */
export const NOISY_LINE_AGENT_SPEECH_FRAMES = 1200;
/** ... and re-prompts: pauses of YIELD_FRAMES up to REPROMPT_MAX_FRAMES the agent ended herself. */
export const NOISY_LINE_REPROMPTS = 5;
/** The longest pause (4 s) still a wait for an answer; a longer one is a wait for something else. */
export const REPROMPT_MAX_FRAMES = 400;

export interface LineWatch {
  /** Frames since the customer last spoke (hold frames not counted). */
  quietFrames: number;
  /** The agent's speech frames and unanswered turns within that run. */
  agentFrames: number;
  unanswered: number;
  /** Pauses within the run the agent ended herself after 2-4 s (re-prompts). */
  reprompts: number;
  /** Frames of the run the customer's channel carried nothing (under DEAD_LINE_DBFS). */
  deadFrames: number;
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
  return {
    quietFrames: 0,
    agentFrames: 0,
    unanswered: 0,
    reprompts: 0,
    deadFrames: 0,
    sinceAgent: -1,
    faultFrom: -1,
    runFrom: -1,
  };
}

/** A fault holds at this point of the run (checked after each frame). */
function faulty(w: LineWatch): boolean {
  if (w.runFrom === 0 || w.deadFrames >= DEAD_SHARE * w.quietFrames)
    return (
      w.quietFrames >= LINE_QUIET_FRAMES &&
      w.agentFrames >= LINE_AGENT_SPEECH_FRAMES &&
      w.unanswered >= LINE_UNANSWERED_TURNS
    );
  return (
    w.quietFrames >= NOISY_LINE_QUIET_FRAMES &&
    w.agentFrames >= NOISY_LINE_AGENT_SPEECH_FRAMES &&
    w.reprompts >= NOISY_LINE_REPROMPTS
  );
}

/**
 * Takes frame `frame` (in order): `agent` and `customer` are each one's own speech (1/0),
 * `customerDb` the customer channel's frame level (dBFS), `held` the call on hold. Returns whether
 * the customer's line is faulty at this frame.
 */
export function watchLine(
  w: LineWatch,
  frame: number,
  agent: number,
  customer: number,
  customerDb: number,
  held: boolean,
): boolean {
  if (held) return w.faultFrom >= 0;
  if (customer === 1) {
    // She is heard: the line carries her, whatever it did before.
    w.quietFrames = 0;
    w.agentFrames = 0;
    w.unanswered = 0;
    w.reprompts = 0;
    w.deadFrames = 0;
    w.sinceAgent = -1;
    w.faultFrom = -1;
    w.runFrom = -1;
    return false;
  }
  if (w.runFrom < 0) w.runFrom = frame;
  w.quietFrames++;
  if (customerDb < DEAD_LINE_DBFS) w.deadFrames++;
  if (agent === 1) {
    w.agentFrames++;
    if (w.sinceAgent >= YIELD_FRAMES && w.sinceAgent <= REPROMPT_MAX_FRAMES) w.reprompts++;
    w.sinceAgent = 0;
  } else if (w.sinceAgent >= 0 && ++w.sinceAgent === YIELD_FRAMES) {
    w.unanswered++;
  }
  if (w.faultFrom < 0 && faulty(w)) w.faultFrom = frame;
  return w.faultFrom >= 0;
}
