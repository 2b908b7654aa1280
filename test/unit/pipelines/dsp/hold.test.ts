// Hold in the call analyzer: audio pushed on hold marks the speaker and dynamics windows it falls
// in, and counts as hold time, not mutual silence (the long-silence rule's measure), whatever the
// chunk size; the same call without hold reads that time as silence.
import { describe, expect, it } from 'vitest';
import { createCallAnalyzer, encodeMuLaw, type DynamicsWindow } from '../../../../pipelines/dsp/index.ts';
import type { SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import { HoldSpans } from '../../../../pipelines/dsp/hold-spans.ts';
import { synthVoiced } from '../../../../devkit/audio/test-signals.ts';

const RATE = 8000;
const SECONDS = 30;
/** Hold from 5 s to 25 s (20 s) of a call silent apart from the agent speaking 0-4 s and 26-29 s. */
const HOLD: [number, number] = [5, 25];

function agentVoice(): Uint8Array {
  const on = (t: number): boolean => (t >= 0 && t < 4) || (t >= 26 && t < 29);
  const samples = synthVoiced({
    sampleRateHz: RATE,
    durationS: SECONDS,
    f0: (t) => 120 * Math.pow(2, (2 * Math.sin(2 * Math.PI * 1.3 * t)) / 12),
    voiced: on,
    jitter: 0.005,
    seed: 3,
  }).samples;
  return encodeMuLaw(samples);
}

function run(withHold: boolean, chunkMs: number) {
  const call = createCallAnalyzer({
    format: { codec: 'pcmu', sampleRateHz: RATE },
    windowMs: 2000,
    windowHopMs: 1000,
  });
  const agent = agentVoice();
  const customer = encodeMuLaw(new Float32Array(agent.length));
  const step = (chunkMs * RATE) / 1000;
  const dynamics: DynamicsWindow[] = [];
  const windows: { channel: string; window: SpeakerWindow }[] = [];
  for (let at = 0; at < agent.length; at += step) {
    const t = at / RATE;
    const onHold = withHold && t >= HOLD[0] && t < HOLD[1];
    for (const channel of ['agent', 'customer'] as const) {
      const out = call.push(
        channel,
        (channel === 'agent' ? agent : customer).subarray(at, at + step),
        onHold,
      );
      dynamics.push(...out.dynamics);
      windows.push(...out.windows);
    }
  }
  const last = call.flush();
  return { dynamics: [...dynamics, ...last.dynamics], windows: [...windows, ...last.windows] };
}

const overlapsHold = (w: { startMs: number; endMs: number }) =>
  w.startMs < HOLD[1] * 1000 && w.endMs > HOLD[0] * 1000;

describe('call analyzer on hold', () => {
  it.each([100, 200, 1000])('counts 20 s of hold as hold, not mutual silence (%i ms chunks)', (chunkMs) => {
    const { dynamics, windows } = run(true, chunkMs);
    for (const d of dynamics) {
      if (overlapsHold(d)) expect(d.holdMs, `window ${d.windowIndex}`).toBeGreaterThan(0);
      else expect(d.holdMs ?? 0).toBe(0);
    }
    // The windows inside the hold: all hold, no silence.
    const inside = dynamics.filter((d) => d.startMs >= HOLD[0] * 1000 && d.endMs <= HOLD[1] * 1000);
    expect(inside.length).toBeGreaterThan(15);
    for (const d of inside)
      expect([d.holdMs, d.mutualSilenceMs, d.longestMutualSilenceMs]).toEqual([2000, 0, 0]);
    // Hold tiles: the even windows' hold adds up to the 20 s (within a frame at each edge).
    const held = dynamics.filter((d) => d.windowIndex % 2 === 0).reduce((s, d) => s + (d.holdMs ?? 0), 0);
    expect(held).toBeGreaterThan(19_950);
    expect(held).toBeLessThan(20_050);
    for (const { window } of windows)
      expect(window.onHold === true, `${window.startMs}`).toBe(overlapsHold(window));
  });

  it('reads the same time as mutual silence without the hold', () => {
    const { dynamics, windows } = run(false, 200);
    expect(dynamics.every((d) => d.holdMs === undefined)).toBe(true);
    expect(windows.every(({ window }) => window.onHold === undefined)).toBe(true);
    expect(Math.max(...dynamics.map((d) => d.longestMutualSilenceMs))).toBe(2000);
    const inside = dynamics.filter((d) => d.startMs >= HOLD[0] * 1000 && d.endMs <= HOLD[1] * 1000);
    for (const d of inside) expect(d.mutualSilenceMs).toBe(2000);
  });
});

describe('hold spans', () => {
  it('keeps spans of frames, idempotent marks and trimming', () => {
    const spans = new HoldSpans();
    spans.mark(10, true);
    spans.mark(12, true);
    expect([spans.onHold, spans.heldAt(9), spans.heldAt(10), spans.framesIn(0, 20)]).toEqual([
      true,
      false,
      true,
      10,
    ]);
    spans.mark(15, false);
    spans.mark(16, false);
    expect([spans.onHold, spans.heldAt(15), spans.framesIn(0, 100)]).toEqual([false, false, 5]);
    spans.mark(30, true);
    spans.trimBefore(20);
    expect([spans.framesIn(0, 40), spans.heldAt(12)]).toEqual([10, false]);
  });
});
