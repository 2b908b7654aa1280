// The bounded replay buffer behind WebSocket resume: replays what came after a sequence, and says
// "resync" (null) when part of it was already evicted or the sequence is from the future.
import { describe, expect, it } from 'vitest';
import { createReplayBuffer } from '../../../../services/alert-service/replay-buffer.ts';

describe('replay buffer', () => {
  it('returns the entries after the last seen sequence', () => {
    const buffer = createReplayBuffer<string>(4);
    for (const item of ['a', 'b', 'c']) buffer.append(item);
    expect(buffer.since(1)?.map((e) => e.item)).toEqual(['b', 'c']);
    expect(buffer.since(3)).toEqual([]);
    expect(buffer.since(0)?.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('asks for a resync when the gap left the buffer or the sequence is unknown', () => {
    const buffer = createReplayBuffer<number>(4);
    for (let i = 0; i < 10; i += 1) buffer.append(i);
    expect(buffer.size()).toBe(4);
    expect(buffer.since(6)?.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(buffer.since(5)).toBeNull();
    expect(buffer.since(11)).toBeNull();
  });

  it('numbers from its first sequence: a number of an earlier run asks for a resync', () => {
    const buffer = createReplayBuffer<string>(4, 1_000_001);
    expect(buffer.lastSeq()).toBe(1_000_000);
    expect(buffer.since(1_000_000)).toEqual([]);
    expect(buffer.since(5)).toBeNull();
    buffer.append('a');
    expect(buffer.since(1_000_000)?.map((e) => e.seq)).toEqual([1_000_001]);
    expect(buffer.since(5)).toBeNull();
    expect(buffer.size()).toBe(1);
  });
});
