// The pure parts of held commits. A commit is held at the first record
// of the oldest call still needed, but never more than a bound behind; replay marks in the commit
// metadata survive a round trip and anything else is no mark.
import { describe, expect, it } from 'vitest';
import type { SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import type { EmotionEvent } from '../../../../pipelines/emotion/types.ts';
import { SpeakerTrackers } from '../../../../services/emotion-classifier/speaker-trackers.ts';
import { heldCommitOffset, OffsetHold } from '../../../../services/shared/offset-hold.ts';
import { parseReplayMark, replayMark } from '../../../../services/shared/replay-marks.ts';

describe('held commits', () => {
  it('holds at the oldest live call of the partition and moves on when it is released', () => {
    const hold = new OffsetHold(1_000);
    hold.note(0, 'a', 10);
    hold.note(0, 'b', 12);
    hold.note(0, 'a', 15);
    hold.note(1, 'c', 3);
    expect(hold.safeCommitOffset(0, 20)).toBe(10);
    expect(hold.safeCommitOffset(1, 20)).toBe(3);
    hold.release('a');
    expect(hold.safeCommitOffset(0, 20)).toBe(12);
    expect(hold.dropPartitions([0])).toEqual(['b']);
    expect(hold.safeCommitOffset(0, 20)).toBe(20);
    expect(hold.size).toBe(1);
  });

  it('never holds a commit more than the bound behind the consumed position', () => {
    expect(heldCommitOffset(5_000, 10, 1_000)).toBe(4_000);
    expect(heldCommitOffset(500, 10, 1_000)).toBe(10);
    expect(heldCommitOffset(500, undefined, 1_000)).toBe(500);
    expect(heldCommitOffset(500, 700, 1_000)).toBe(500);
  });

  it("bounds how far back the classifier's commit is held by a long call", () => {
    const trackers = new SpeakerTrackers({
      createTracker: () => ({ push: () => ({}) as EmotionEvent }),
      idleTimeoutMs: 60_000,
      maxCalls: 10,
      maxHoldRecords: 1_000,
    });
    const window = (windowIndex: number) => ({ windowIndex }) as SpeakerWindow;
    trackers.push({ partition: 0, offset: 100, callId: 'long', channel: 'agent', window: window(0) }, 0);
    expect(trackers.safeCommitOffset(0, 900)).toBe(100);
    expect(trackers.safeCommitOffset(0, 50_000)).toBe(49_000);
  });

  it('reads back its replay marks and nothing else', () => {
    expect(parseReplayMark(replayMark(123))).toBe(123);
    expect(parseReplayMark(replayMark('0'))).toBe(0);
    for (const other of [null, undefined, '', 'va-produced:', 'va-produced:-1', 'va-produced:1e9', 'x:5'])
      expect(parseReplayMark(other)).toBeUndefined();
  });
});
