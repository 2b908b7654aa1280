// A dsp-worker restarted from its held commit, with the real analyzer: the windows it emits first
// are the ones an uninterrupted run emits. The commit is held far enough back for the analyzer's
// history (the voice-activity noise floor of the last 4 s): started cold at the first unfinished
// window, a steady tone read as speech for several windows, and the emotion events with them.
import { describe, expect, it } from 'vitest';
import { createCallAnalyzer, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import {
  CallStates,
  type AudioRecord,
  type CallWindows,
} from '../../../../services/dsp-worker/call-states.ts';
import { tone } from '../../../../devkit/audio/test-signals.ts';

const FORMAT = { codec: 'pcmu', sampleRateHz: 8000 } as const;
const CHUNK_MS = 100;

function states(): CallStates {
  return new CallStates({
    createAnalyzer: (format) => createCallAnalyzer({ format, windowMs: 2000, windowHopMs: 1000 }),
    windowHopMs: 1000,
    idleTimeoutMs: 30_000,
    maxCalls: 10,
    maxGapMs: 5_000,
  });
}

/** 60 s of a call: a steady hum on the customer's line, a quieter one on the agent's. */
function humRecords(): AudioRecord[] {
  const lines: Record<Channel, Uint8Array> = {
    agent: encodeMuLaw(tone(120, 8000, 60, 0.05)),
    customer: encodeMuLaw(tone(150, 8000, 60, 0.3)),
  };
  const records: AudioRecord[] = [];
  const bytes = (8000 * CHUNK_MS) / 1000;
  for (let t = 0; t < 60_000; t += CHUNK_MS) {
    for (const channel of ['agent', 'customer'] as Channel[]) {
      const from = (t / CHUNK_MS) * bytes;
      records.push({
        partition: 0,
        offset: records.length,
        callId: 'hum',
        channel,
        startMs: t,
        format: FORMAT,
        payload: lines[channel].slice(from, from + bytes),
      });
    }
  }
  return records;
}

const speech = (out: CallWindows[]): Map<string, number> =>
  new Map(
    out.flatMap((o) =>
      o.windows.map((w) => [`${w.channel}:${w.window.windowIndex}`, w.window.speechFraction]),
    ),
  );

describe('a dsp-worker restarted from its held commit', () => {
  it('emits the windows an uninterrupted run emits, the analyzer warmed up on the audio before them', () => {
    const records = humRecords();
    const reference = states();
    const full = speech(records.map((r) => reference.push(r, 0)));
    // A hum is no speech once the noise floor has learnt it (4 s).
    expect(full.get('customer:40')).toBe(0);

    const crashAt = 2 * 450; // 45 s in
    const first = states();
    const before = speech(records.slice(0, crashAt).map((r) => first.push(r, 0)));
    const committed = first.safeCommitOffset(0, crashAt);
    // The replay starts mid-call (the analyzer's history before the first unfinished window).
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(crashAt - 2 * 190);
    const second = states();
    const after = speech(records.slice(committed).map((r) => second.push(r, 0)));
    const firstEmittedAfter = [...after].filter(([id]) => !before.has(id));
    expect(firstEmittedAfter.length).toBeGreaterThan(10);
    for (const [id, fraction] of firstEmittedAfter) expect([id, fraction]).toEqual([id, full.get(id)]);
  });
});
