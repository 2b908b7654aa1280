// The dsp-worker's idle sweep: an idle call's last windows hold its partition's commit until they
// are produced; a failed produce is sent again at the next sweep instead of being given up (the
// call is already freed, so a commit past its audio would lose those windows for good).
import { describe, expect, it } from 'vitest';
import type { IdleFlush } from '../../../../services/dsp-worker/feature-processor.ts';
import { createIdleFlusher } from '../../../../services/dsp-worker/idle-flusher.ts';
import type { OutRecord } from '../../../../services/shared/producer.ts';

const flush = (callId: string, partition: number, neededOffset: number): IdleFlush => ({
  callId,
  partition,
  neededOffset,
  outputs: [{ topic: 'features', message: { key: callId, value: Buffer.from(callId) } }],
});

function flusherWith(idle: IdleFlush[][], failures: number) {
  const sent: string[] = [];
  const commits: number[] = [];
  let left = failures;
  const flusher = createIdleFlusher({
    flushIdle: () => idle.shift() ?? [],
    send: async (outputs: OutRecord[]) => {
      if (left > 0) {
        left -= 1;
        throw new Error('broker unavailable');
      }
      sent.push(...outputs.map((o) => String(o.message.key)));
    },
    commit: async (partition) => void commits.push(partition),
  });
  return { flusher, sent, commits };
}

describe('idle flusher', () => {
  it('produces an idle call, then lets its partition commit past it', async () => {
    const { flusher, sent, commits } = flusherWith([[flush('a', 0, 7)]], 0);
    await flusher.sweep();
    expect(sent).toEqual(['a']);
    expect(commits).toEqual([0]);
    expect(flusher.heldBelow(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('holds the commit below a flush whose produce failed and sends it again at the next sweep', async () => {
    const { flusher, sent, commits } = flusherWith([[flush('a', 0, 7)], [flush('b', 1, 3)]], 1);
    await flusher.sweep();
    expect(sent).toEqual([]);
    expect(commits).toEqual([]);
    expect(flusher.heldBelow(0)).toBe(7);
    await flusher.sweep();
    expect(sent).toEqual(['a', 'b']);
    expect(commits).toEqual([0, 1]);
    expect(flusher.heldBelow(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("drops a revoked partition's unsent flush: its next owner replays the call", async () => {
    const { flusher, sent } = flusherWith([[flush('a', 0, 7), flush('b', 1, 3)]], 2);
    await flusher.sweep();
    flusher.dropPartitions([0]);
    expect(flusher.heldBelow(0)).toBe(Number.POSITIVE_INFINITY);
    expect(flusher.heldBelow(1)).toBe(3);
    await flusher.sweep();
    expect(sent).toEqual(['b']);
  });
});
