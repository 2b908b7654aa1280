// The dsp-worker's feature windows say whose agent leg their newest audio is (AudioChunk.agent_leg
// → FeatureWindow.agent_leg): a window with any audio of the new agent's leg is theirs, the
// marks come from the records alone (a replay gives the same), and records without a marker
// (older gateways) leave the leg as it was.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import { CallStates, type AudioRecord } from '../../../../services/dsp-worker/call-states.ts';
import { createFakeAnalyzer, FORMAT } from './fake-analyzer.ts';

const FIRST_AGENT = 0x1234_5678;
const SECOND_AGENT = 0x9abc_def0;

const states = () =>
  new CallStates({
    createAnalyzer: createFakeAnalyzer,
    windowHopMs: 1000,
    idleTimeoutMs: 30_000,
    maxCalls: 10,
    maxGapMs: 5_000,
  });

/** 100 ms stereo records of one call for `seconds`, each of the leg `legAt(t)` says (undefined: none). */
function records(seconds: number, legAt: (t: number) => number | undefined): AudioRecord[] {
  const out: AudioRecord[] = [];
  for (let t = 0; t < seconds * 1000; t += 100)
    for (const channel of ['agent', 'customer'] as Channel[]) {
      const agentLeg = legAt(t);
      out.push({
        partition: 0,
        offset: out.length,
        callId: 'acme/c1',
        channel,
        startMs: t,
        format: FORMAT,
        payload: new Uint8Array(800).fill(100),
        ...(agentLeg === undefined ? {} : { agentLeg }),
      });
    }
  return out;
}

/** `channel:windowIndex` → agent leg of every window the records complete. */
function legsOf(input: AudioRecord[], state = states()): Map<string, number> {
  const legs = new Map<string, number>();
  for (const record of input)
    for (const w of state.push(record, 0).windows)
      legs.set(`${w.channel}:${w.window.windowIndex}`, w.agentLeg);
  return legs;
}

describe('agent legs on feature windows', () => {
  it('marks the windows of a transfer at 10 s: a window reaching into the new leg is the new leg', () => {
    const legs = legsOf(records(20, (t) => (t < 10_000 ? FIRST_AGENT : SECOND_AGENT)));
    for (const channel of ['agent', 'customer']) {
      // Window i covers [i s, i + 2 s): window 8 ends at 10 s, window 9 reaches 1 s into the new leg.
      expect(legs.get(`${channel}:8`)).toBe(FIRST_AGENT);
      expect(legs.get(`${channel}:9`)).toBe(SECOND_AGENT);
      expect(legs.get(`${channel}:17`)).toBe(SECOND_AGENT);
    }
    expect([...legs.values()].filter((l) => l === FIRST_AGENT)).toHaveLength(2 * 9);
  });

  it('rebuilds the same marks when a later owner replays from the middle of the call', () => {
    const input = records(20, (t) => (t < 10_000 ? FIRST_AGENT : SECOND_AGENT));
    const whole = legsOf(input);
    // A replay from 6 s: the windows it emits carry the legs the uninterrupted run gave them.
    const replayed = legsOf(input.filter((r) => r.startMs >= 6_000));
    expect(replayed.size).toBeGreaterThan(10);
    for (const [key, leg] of replayed) expect([key, leg]).toEqual([key, whole.get(key)]);
  });

  it('keeps the leg through records that carry no marker, and is 0 when no record ever did', () => {
    const gap = legsOf(records(20, (t) => (t < 10_000 ? FIRST_AGENT : undefined)));
    expect(new Set(gap.values())).toEqual(new Set([FIRST_AGENT]));
    const older = legsOf(records(6, () => undefined));
    expect(new Set(older.values())).toEqual(new Set([0]));
  });
});
