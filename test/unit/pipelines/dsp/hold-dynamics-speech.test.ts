// Review: hold music the speech gate misses on the agent channel (what the platform plays to the
// customer) while the customer talks in the room: on hold, that is nobody's conversation. The
// dynamics window must not count it as the agent's talk or as overtalk (the repeated-overtalk cue
// and the scorecard's overtalk and talk-ratio parts read these).
import { describe, expect, it } from 'vitest';
import { appendVad, computeDynamics, createVadTrack } from '../../../../pipelines/dsp/dynamics.ts';

const HOP_MS = 10;

/** 2 s: agent-channel music read as speech throughout, the customer speaking in 0.5-s bursts. */
function tracks() {
  const agent = createVadTrack();
  const customer = createVadTrack();
  for (let i = 0; i < 200; i++) {
    appendVad(agent, i, true, -20);
    appendVad(customer, i, Math.floor(i / 50) % 2 === 0, -20);
  }
  return { agent, customer };
}

describe('dynamics on hold', () => {
  it('counts no talk and no overtalk in frames on hold', () => {
    const { agent, customer } = tracks();
    const held = computeDynamics(agent, customer, 0, 0, 200, HOP_MS, 0, 2000, () => true);
    expect(held.holdMs).toBe(2000);
    expect([held.overtalkCount, held.overtalkMs]).toEqual([0, 0]);
    expect(held.talkRatioAgent).toBeNaN();
    // Off hold the same audio is overtalk and mostly the agent's talk.
    const open = computeDynamics(agent, customer, 0, 0, 200, HOP_MS, 0, 2000);
    expect(open.overtalkCount).toBeGreaterThan(0);
    expect(open.talkRatioAgent).toBeCloseTo(2 / 3, 6);
  });
});
