// A dsp-worker restarted mid-fault (one-way audio on the customer's leg): the windows it emits
// after the restart carry the line fault an uninterrupted run gives them.
import { describe, expect, it } from 'vitest';
import { createCallAnalyzer, decodeMuLaw, encodeMuLaw } from '../../../../pipelines/dsp/index.ts';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import {
  CallStates,
  type AudioRecord,
  type CallWindows,
} from '../../../../services/dsp-worker/call-states.ts';
import { demoCallAudio } from '../../../../devkit/heap/hot-path-call.ts';
import { deadFrom } from '../../../../devkit/audio/line-faults.ts';

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

function records(): AudioRecord[] {
  const shipped = demoCallAudio('call-2-angry-recovers');
  const lines: Record<Channel, Uint8Array> = {
    agent: shipped.agent,
    customer: encodeMuLaw(deadFrom(decodeMuLaw(shipped.customer), 8000, 0, null)),
  };
  const out: AudioRecord[] = [];
  const bytes = (8000 * CHUNK_MS) / 1000;
  const length = Math.min(lines.agent.length, lines.customer.length);
  for (let t = 0; (t / CHUNK_MS) * bytes < length; t += CHUNK_MS) {
    for (const channel of ['agent', 'customer'] as Channel[]) {
      const from = (t / CHUNK_MS) * bytes;
      out.push({
        partition: 0,
        offset: out.length,
        callId: 'oneway',
        channel,
        startMs: t,
        format: FORMAT,
        payload: lines[channel].slice(from, from + bytes),
      });
    }
  }
  return out;
}

const faults = (out: CallWindows[]): Map<number, number> =>
  new Map(out.flatMap((o) => o.dynamics.map((d) => [d.windowIndex, d.customerLineFaultMs ?? 0])));

describe('a dsp-worker restarted during a customer line fault', () => {
  it('keeps marking the fault on the windows it emits after the restart', () => {
    const recs = records();
    const reference = states();
    const all = faults(recs.map((r) => reference.push(r, 0)));
    const firstFault = [...all].find(([, ms]) => ms > 0)?.[0];
    expect(firstFault).toBeDefined();
    const crashAt = 2 * 10 * (firstFault! + 10); // 10 s after the fault was found
    const first = states();
    const before = faults(recs.slice(0, crashAt).map((r) => first.push(r, 0)));
    const committed = first.safeCommitOffset(0, crashAt);
    const second = states();
    const after = faults(recs.slice(committed).map((r) => second.push(r, 0)));
    const emittedAfter = [...after].filter(([i]) => !before.has(i));
    expect(emittedAfter.length).toBeGreaterThan(10);
    for (const [i, ms] of emittedAfter) expect([i, ms]).toEqual([i, all.get(i)]);
  });
});
