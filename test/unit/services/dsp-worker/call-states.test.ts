// The dsp-worker's per-call state: window ids from audio time, freeing, bounds, and the commit
// rule that lets a restarted worker resume without gaps.
import { describe, expect, it } from 'vitest';
import { thrownError } from '../../../support/thrown.ts';
import type { Channel } from '../../../../pipelines/dsp/types.ts';
import { AudioTimeError } from '../../../../services/dsp-worker/audio-cursor.ts';
import {
  CallStates,
  CallStateError,
  type AudioRecord,
  type CallWindows,
} from '../../../../services/dsp-worker/call-states.ts';
import { createFakeAnalyzer, FORMAT } from './fake-analyzer.ts';

const CHUNK_MS = 100;

function states(overrides: Partial<ConstructorParameters<typeof CallStates>[0]> = {}): CallStates {
  return new CallStates({
    createAnalyzer: createFakeAnalyzer,
    windowHopMs: 1000,
    idleTimeoutMs: 30_000,
    maxCalls: 100,
    maxGapMs: 5_000,
    ...overrides,
  });
}

/** Interleaved 100 ms records of several stereo calls on one partition, offsets 0, 1, 2… */
function callRecords(callIds: string[], seconds: number): AudioRecord[] {
  const records: AudioRecord[] = [];
  let offset = 0;
  for (let t = 0; t < seconds * 1000; t += CHUNK_MS) {
    for (const [i, callId] of callIds.entries()) {
      for (const channel of ['agent', 'customer'] as Channel[]) {
        const payload = new Uint8Array(800).fill(
          (t / CHUNK_MS + i * 7 + (channel === 'agent' ? 0 : 3)) % 251,
        );
        records.push({
          partition: 0,
          offset: offset++,
          callId,
          channel,
          startMs: t,
          format: FORMAT,
          payload,
        });
      }
    }
  }
  return records;
}

function ids(out: CallWindows[]): string[] {
  const result: string[] = [];
  for (const step of out) {
    for (const { channel, window } of step.windows)
      result.push(`${step.callId}:${channel}:${window.windowIndex}`);
    for (const d of step.dynamics) result.push(`${step.callId}:dynamics:${d.windowIndex}`);
  }
  return result;
}

/** Copies of `first` at another offset and audio time, stamped with a gateway clock. */
const clocked =
  (first: AudioRecord) =>
  (offset: number, startMs: number, receivedMs: number): AudioRecord => ({
    ...first,
    offset,
    startMs,
    receivedFirstMs: receivedMs,
    receivedLastMs: receivedMs,
  });

describe('CallStates', () => {
  it('numbers windows from audio time and frees the call at its end', () => {
    const calls = states();
    const out = callRecords(['c1'], 5).map((r) => calls.push(r, 0));
    out.push(calls.end('c1'));
    const agent = out.flatMap((o) => o.windows.filter((w) => w.channel === 'agent').map((w) => w.window));
    expect(agent.map((w) => w.windowIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(agent[3].startMs).toBe(3000);
    expect(calls.size).toBe(0);
    // Late audio of an ended call opens no new state.
    expect(calls.push(callRecords(['c1'], 1)[0], 0).windows).toEqual([]);
    expect(calls.size).toBe(0);
  });

  it('a worker restarted from the committed offset repeats windows with the same ids and leaves no gap', () => {
    const records = callRecords(['a', 'b', 'c'], 12);
    const reference = states();
    const full = records.map((r) => reference.push(r, 0));
    const fullIds = ids(full);

    for (const crashAt of [37, 200, 455]) {
      const first = states();
      const before = records.slice(0, crashAt).map((r) => first.push(r, 0));
      const committed = first.safeCommitOffset(0, crashAt);
      expect(committed).toBeLessThanOrEqual(crashAt);
      const second = states();
      const after = records.slice(committed).map((r) => second.push(r, 0));

      const seen = new Set<string>();
      const merged: string[] = [];
      for (const id of [...ids(before), ...ids(after)]) {
        if (!seen.has(id)) merged.push(id);
        seen.add(id);
      }
      expect(merged.sort()).toEqual([...fullIds].sort());
      // Windows first emitted after the restart carry exactly the uninterrupted run's audio.
      const fullById = new Map(
        full.flatMap((o) =>
          o.windows.map((w) => [`${o.callId}:${w.channel}:${w.window.windowIndex}`, w.window]),
        ),
      );
      const emittedBefore = new Set(ids(before));
      for (const o of after) {
        for (const w of o.windows) {
          const id = `${o.callId}:${w.channel}:${w.window.windowIndex}`;
          if (emittedBefore.has(id)) continue;
          expect(w.window.speechFraction, id).toBeCloseTo(fullById.get(id)!.speechFraction, 9);
          expect(w.window.startMs).toBe(fullById.get(id)!.startMs);
        }
      }
    }
  });

  it('commits everything once no call holds audio of an unfinished window', () => {
    const calls = states();
    const records = callRecords(['a'], 3);
    records.forEach((r) => calls.push(r, 0));
    expect(calls.safeCommitOffset(0, records.length)).toBeLessThan(records.length);
    calls.end('a');
    expect(calls.safeCommitOffset(0, records.length)).toBe(records.length);
    expect(calls.safeCommitOffset(1, 5)).toBe(5);
  });

  it('reports calls idle past the timeout and drops the calls of revoked partitions', () => {
    const calls = states({ idleTimeoutMs: 1000 });
    calls.push(callRecords(['old'], 1)[0], 0);
    calls.push({ ...callRecords(['new'], 1)[0], partition: 2 }, 900);
    expect(calls.idleCalls(1500)).toEqual(['old']);
    expect(calls.dropPartitions([2])).toBe(1);
    expect(calls.has('new')).toBe(false);
    expect(calls.has('old')).toBe(true);
  });

  it('rebuilds a call that ended in outputs never produced when its partition is replayed here', () => {
    const records = callRecords(['a', 'b'], 4);
    const calls = states();
    const committed = 10;
    records.slice(0, committed).forEach((r) => calls.push(r, 0));
    expect(calls.safeCommitOffset(0, committed)).toBe(0);
    // The rest of the calls, and their ends, go into a flush whose produce fails…
    const lost = records.slice(committed).map((r) => calls.push(r, 0));
    lost.push(calls.end('a'), calls.end('b'));
    // …so the runner drops the partition's state and reads it again from the commit (offset 0).
    calls.dropPartitions([0]);
    const replayed = records.map((r) => calls.push(r, 0));
    replayed.push(calls.end('a'), calls.end('b'));
    expect(ids(lost).length).toBeGreaterThan(0);
    expect(ids(replayed)).toEqual(expect.arrayContaining(ids(lost)));
    // A call of another partition stays ended: its late records still open nothing.
    calls.push({ ...callRecords(['z'], 1)[0], partition: 3 }, 0);
    calls.end('z');
    calls.dropPartitions([0]);
    expect(calls.push({ ...callRecords(['z'], 2)[15], partition: 3 }, 0).windows).toEqual([]);
    expect(calls.has('z')).toBe(false);
  });

  it('refuses a call beyond the limit with a typed error', () => {
    const calls = states({ maxCalls: 1 });
    calls.push(callRecords(['one'], 1)[0], 0);
    expect(() => calls.push(callRecords(['two'], 1)[0], 0)).toThrow(CallStateError);
  });

  it('skips duplicate records, pads short gaps with silence, restarts after long jumps, rejects nonsense', () => {
    const calls = states({ maxGapMs: 2000 });
    const [first] = callRecords(['g'], 1);
    calls.push(first, 0);
    expect(calls.push({ ...first, offset: 9 }, 0).windows).toEqual([]);
    // 1.9 s later: padded, so the first window (0-2 s) completes with this record's audio.
    const out = calls.push({ ...first, offset: 10, startMs: 2000 }, 0);
    expect(out.windows.map((w) => w.window.windowIndex)).toEqual([0]);
    // A minute later (resumed elsewhere): the windows so far are flushed, the call goes on at 60 s.
    const jump = calls.push({ ...first, offset: 11, startMs: 60_000 }, 0);
    expect(jump.windows.map((w) => w.window.windowIndex)).toEqual([1]);
    let later: number[] = [];
    for (let t = 60_100; t < 62_100; t += 100) {
      later = later.concat(
        calls.push({ ...first, offset: 12, startMs: t }, 0).windows.map((w) => w.window.windowIndex),
      );
    }
    expect(later).toEqual([60]);
    expect(() => calls.push({ ...first, offset: 13, startMs: 1e12 }, 0)).toThrow(AudioTimeError);
    expect(() => calls.push({ ...first, offset: 14, startMs: -5 }, 0)).toThrow(AudioTimeError);
  });

  it('dead-letters a chunk that jumps further ahead than the gateway clock allows, and goes on', () => {
    const calls = states({ maxGapMs: 2000 });
    const [first] = callRecords(['far'], 1);
    const at = clocked(first);
    // The worker's clock: each chunk reaches it 50 ms after the gateway.
    const push = (record: AudioRecord) => calls.push(record, (record.receivedFirstMs ?? 0) + 50);
    push(at(0, 0, 1_000_000));
    // An hour ahead, 20 ms later at the gateway: no stream runs that fast.
    const far = thrownError(() => push(at(1, 3_600_000, 1_000_020)), CallStateError);
    expect(far.code).toBe('AUDIO_TIME_JUMP');
    // The call goes on where it was: the next chunk's window completes as usual.
    expect(push(at(2, 2000, 1_000_040)).windows.map((w) => w.window.windowIndex)).toEqual([0]);
    // A resumed stream a real 5 minutes later may jump 5 minutes.
    expect(push(at(3, 302_000, 1_300_040)).windows.map((w) => w.window.windowIndex)).toEqual([1]);
  });

  it('judges a jump with an unknown (0) or far-future gateway clock as if no time had passed', () => {
    const calls = states({ maxGapMs: 2000 });
    const [first] = callRecords(['clock'], 1);
    const nowMs = 1_000_100;
    const at = clocked(first);
    calls.push(at(0, 0, 1_000_000), nowMs);
    // No clock: nothing says an hour passed.
    expect(thrownError(() => calls.push(at(1, 3_600_000, 0), nowMs), CallStateError).code).toBe(
      'AUDIO_TIME_JUMP',
    );
    // A clock 10 000 s ahead of this host's is not a clock.
    expect(thrownError(() => calls.push(at(2, 3_600_000, nowMs + 1e7), nowMs), CallStateError).code).toBe(
      'AUDIO_TIME_JUMP',
    );
    // A worker whose clock is 2 minutes behind the gateway's still takes a resume 5 minutes on.
    const behind = states({ maxGapMs: 2000 });
    behind.push(at(0, 0, 1_000_000), 1_000_000 - 120_000);
    expect(behind.push(at(1, 302_000, 1_300_000), 1_300_000 - 120_000).windows.length).toBeGreaterThan(0);
    // Neither moved the call: its next chunk completes window 0 as usual.
    expect(calls.push(at(3, 2000, 1_000_040), nowMs).windows.map((w) => w.window.windowIndex)).toEqual([0]);
  });

  it('starts a call first seen mid-hop on the window grid, whatever the gap limit', () => {
    const calls = states({ maxGapMs: 0 });
    const [first] = callRecords(['late'], 1);
    const out = calls.push({ ...first, startMs: 1500 }, 0);
    expect(out.windows).toEqual([]);
    expect(calls.has('late')).toBe(true);
    // Window 1 (1-3 s) completes with audio up to 3 s; its id comes from audio time.
    let windows: number[] = [];
    for (let t = 1600; t < 3100; t += 100) {
      windows = windows.concat(
        calls.push({ ...first, startMs: t }, 0).windows.map((w) => w.window.windowIndex),
      );
    }
    expect(windows).toEqual([1]);
  });

  it('goes on with a call whose audio moves to another partition, keeping each partition to its own offsets', () => {
    const calls = states();
    const records = callRecords(['m'], 4);
    const half = records.length / 2;
    const before = ids(records.slice(0, half).map((r) => calls.push(r, 0)));
    expect(calls.safeCommitOffset(0, half)).toBeLessThan(half);
    // The rest of the call (2-4 s) arrives on partition 3 from offset 0: another gateway placed it.
    const moved = records.slice(half).map((r, i) => ({ ...r, partition: 3, offset: i }));
    const after = ids(moved.map((r) => calls.push(r, 0)));
    // Partition 0 no longer waits for this call; partition 3 holds it from its own first offset.
    expect(calls.safeCommitOffset(0, half)).toBe(half);
    expect(calls.safeCommitOffset(3, moved.length)).toBeLessThan(moved.length);
    expect(calls.describe('m')?.partition).toBe(3);
    // Windows of the whole call, none twice: the move flushed windows 0-1, the rest goes on at 2 s.
    const all = [...before, ...after, ...ids([calls.end('m')])];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id.startsWith('m:agent:'))).toEqual([
      'm:agent:0',
      'm:agent:1',
      'm:agent:2',
      'm:agent:3',
    ]);
    // Revoking the old partition no longer drops the call's state.
    calls.push({ ...moved[0], startMs: 4000, offset: 99 }, 0);
    expect(calls.dropPartitions([0])).toBe(0);
  });
});
