// The emotion-classifier's per-speaker state and the consumers' dedupe by event id.
import { describe, expect, it } from 'vitest';
import type { Channel, SpeakerWindow } from '../../../../pipelines/dsp/types.ts';
import type { EmotionEvent } from '../../../../pipelines/emotion/types.ts';
import { loadEmotionClassifierConfig } from '../../../../services/emotion-classifier/config.ts';
import { createEventDedupe } from '../../../../services/emotion-classifier/event-dedupe.ts';
import {
  SpeakerStateError,
  SpeakerTrackers,
  type FeatureRecord,
  type TrackerLike,
} from '../../../../services/emotion-classifier/speaker-trackers.ts';

/** A tracker whose "baseline" is the number of windows it has seen. */
function countingTracker(callId: string, channel: Channel): TrackerLike {
  let seen = 0;
  return {
    push(window: SpeakerWindow): EmotionEvent {
      seen += 1;
      return {
        eventId: `${callId}:${channel}:${window.windowIndex}:emotion`,
        confidence: seen,
      } as EmotionEvent;
    },
  };
}

function trackers(maxCalls = 10): SpeakerTrackers {
  return new SpeakerTrackers({ createTracker: countingTracker, idleTimeoutMs: 1000, maxCalls });
}

function record(
  offset: number,
  callId: string,
  channel: Channel,
  windowIndex: number,
  partition = 0,
): FeatureRecord {
  // On the dsp-worker's grid: window i starts at i × 1 s, and its audio reached the gateway then.
  const window = { windowIndex, startMs: windowIndex * 1000 } as SpeakerWindow;
  return { partition, offset, callId, channel, window, arrivalMs: T0 + windowIndex * 1000 + 2000 };
}

/** The gateway's clock at the call's start; the classifier's clock is a little after each arrival. */
const T0 = 1_764_900_000_000;
const nowAt = (windowIndex: number): number => T0 + windowIndex * 1000 + 2050;

describe('SpeakerTrackers', () => {
  it('refuses (WINDOW_JUMP) a window far ahead of the speaker and goes on with the next ones', () => {
    const state = trackers();
    for (let i = 0; i <= 8; i++) state.push(record(i, 'c', 'customer', i), nowAt(i));
    // Two days of audio ahead, arriving a second after window 8: no stream runs that fast.
    const far = { ...record(9, 'c', 'customer', 172_000), arrivalMs: T0 + 11_000 };
    expect(() => state.push(far, nowAt(9))).toThrow(SpeakerStateError);
    expect(() => state.push(far, nowAt(9))).toThrow(expect.objectContaining({ code: 'WINDOW_JUMP' }));
    // An index past its time (window 9000 starting at 9 s) is not on any grid either.
    const offGrid = {
      ...record(10, 'c', 'customer', 9),
      window: { windowIndex: 9000, startMs: 9000 } as SpeakerWindow,
    };
    expect(() => state.push(offGrid, nowAt(9))).toThrow(expect.objectContaining({ code: 'WINDOW_JUMP' }));
    const later = [];
    for (let i = 9; i <= 19; i++) later.push(state.push(record(11 + i, 'c', 'customer', i), nowAt(i)));
    expect(later.map((t) => t?.event.eventId)).toEqual(
      Array.from({ length: 11 }, (_, k) => `c:customer:${9 + k}:emotion`),
    );
  });

  it('takes a call resumed after a real outage where its audio resumed (the dsp-worker restarts it on the grid)', () => {
    const state = trackers();
    for (let i = 0; i <= 4; i++) state.push(record(i, 'c', 'agent', i), nowAt(i));
    // Five minutes later at the gateway, five minutes on in audio time.
    expect(state.push(record(5, 'c', 'agent', 305), nowAt(305))?.event.eventId).toBe('c:agent:305:emotion');
    expect(state.push(record(6, 'c', 'agent', 306), nowAt(306))?.event.eventId).toBe('c:agent:306:emotion');
    // A window of unknown arrival (an idle flush) does not reset the clock a later resume is judged by.
    const flushed = trackers();
    for (let i = 0; i <= 4; i++) flushed.push(record(i, 'f', 'agent', i), nowAt(i));
    flushed.push({ ...record(5, 'f', 'agent', 5), arrivalMs: 0 }, nowAt(5));
    expect(flushed.push(record(6, 'f', 'agent', 1_805), nowAt(1_805))?.event.eventId).toBe(
      'f:agent:1805:emotion',
    );
    // Without a clock (0) the same jump is taken on the audio's word only up to the longest gap filled.
    const quiet = trackers();
    quiet.push({ ...record(0, 'q', 'agent', 0), arrivalMs: 0 }, nowAt(0));
    expect(quiet.push({ ...record(1, 'q', 'agent', 305), arrivalMs: 0 }, nowAt(305))).not.toBeNull();
    expect(() => quiet.push({ ...record(2, 'q', 'agent', 3_600), arrivalMs: 0 }, nowAt(3_600))).toThrow(
      expect.objectContaining({ code: 'WINDOW_JUMP' }),
    );
  });

  it('keeps one tracker per speaker and drops windows it already had', () => {
    const state = trackers();
    expect(state.push(record(0, 'c', 'agent', 0), 0)?.event.confidence).toBe(1);
    expect(state.push(record(1, 'c', 'customer', 0), 0)?.event.confidence).toBe(1);
    expect(state.push(record(2, 'c', 'agent', 1), 0)?.event.confidence).toBe(2);
    expect(state.push(record(3, 'c', 'agent', 0), 0)).toBeNull();
    expect(state.push(record(4, 'c', 'agent', 1), 0)).toBeNull();
    expect(state.push(record(5, 'c', 'agent', 2), 0)?.event.eventId).toBe('c:agent:2:emotion');
  });

  it('leaves no state for a window its tracker refuses (FEATURE_MISMATCH), so the commit moves on', () => {
    const refusing = (callId: string, channel: Channel): TrackerLike => {
      const inner = countingTracker(callId, channel);
      return {
        push(window) {
          if (window.windowIndex === 7) throw new Error('FEATURE_MISMATCH: window has 3 functionals');
          return inner.push(window);
        },
      };
    };
    const state = new SpeakerTrackers({ createTracker: refusing, idleTimeoutMs: 1000, maxCalls: 10 });
    expect(() => state.push(record(4, 'bad', 'customer', 7), 0)).toThrow(/FEATURE_MISMATCH/);
    expect(state.size).toBe(0);
    expect(state.safeCommitOffset(0, 5)).toBe(5);
    // A call already live keeps its other speaker and its place.
    state.push(record(5, 'live', 'agent', 0), 0);
    expect(() => state.push(record(6, 'live', 'customer', 7), 0)).toThrow(/FEATURE_MISMATCH/);
    expect(state.size).toBe(1);
    expect(state.push(record(7, 'live', 'customer', 8), 0)?.event.confidence).toBe(1);
  });

  it('holds commits at the first window of an active call so a new owner rebuilds its baseline', () => {
    const state = trackers();
    state.push(record(10, 'a', 'agent', 0), 0);
    state.push(record(11, 'b', 'agent', 0), 0);
    state.push(record(12, 'a', 'agent', 1), 0);
    expect(state.safeCommitOffset(0, 13)).toBe(10);
    state.end('a');
    expect(state.safeCommitOffset(0, 13)).toBe(11);
    state.end('b');
    expect(state.safeCommitOffset(0, 13)).toBe(13);

    // The new owner replays from the committed offset: same baseline, earlier events flagged.
    const next = trackers();
    next.setReplayUntil(0, 12);
    next.push(record(10, 'a', 'agent', 0), 0);
    const rebuilt = next.push(record(12, 'a', 'agent', 1), 0);
    expect(rebuilt).toMatchObject({ replayed: false, event: { confidence: 2 } });
    expect(next.push(record(13, 'a', 'agent', 2), 0)?.replayed).toBe(false);
  });

  it('frees a speaker right after its final window and the call once no speaker is left', () => {
    const state = trackers();
    state.push(record(20, 'a', 'agent', 0), 0);
    state.push(record(21, 'a', 'customer', 0), 0);
    state.push(record(22, 'b', 'agent', 0), 0);
    expect(state.push({ ...record(23, 'a', 'agent', 1), final: true }, 0)?.event.confidence).toBe(2);
    // The customer still holds call a (and the commit at its first window).
    expect(state.size).toBe(2);
    expect(state.safeCommitOffset(0, 24)).toBe(20);
    // A late duplicate of the freed speaker's window starts no new tracker.
    expect(state.push(record(24, 'a', 'agent', 1), 0)).toBeNull();
    expect(state.push({ ...record(25, 'a', 'customer', 1), final: true }, 0)?.replayed).toBe(false);
    expect(state.size).toBe(1);
    expect(state.partitionOf('a')).toBeNull();
    expect(state.idleCalls(10_000)).toEqual(['b']);
    // Call a no longer holds the commit back: only b's first window does.
    expect(state.safeCommitOffset(0, 26)).toBe(22);
    // A new owner after a revocation replays the partition and rebuilds (and frees) it again.
    state.dropPartitions([0]);
    expect(state.push(record(20, 'a', 'agent', 0), 0)?.event.confidence).toBe(1);
  });

  it('keeps a live speaker through a dsp-worker outage of minutes by default', () => {
    const { SPEAKER_IDLE_TIMEOUT_MS } = loadEmotionClassifierConfig({ KAFKA_BROKERS: 'k:1' });
    const state = new SpeakerTrackers({
      createTracker: countingTracker,
      idleTimeoutMs: SPEAKER_IDLE_TIMEOUT_MS,
      maxCalls: 10,
    });
    state.push(record(0, 'a', 'customer', 0), 0);
    expect(state.idleCalls(120_000)).toEqual([]); // two minutes without a window: still the same baseline
    expect(state.push(record(1, 'a', 'customer', 1), 120_000)?.event.confidence).toBe(2);
  });

  it('frees idle calls, drops revoked partitions and bounds the number of calls', () => {
    const state = trackers(2);
    state.push(record(0, 'a', 'agent', 0, 0), 0);
    state.push(record(0, 'b', 'agent', 0, 1), 800);
    expect(state.idleCalls(1200)).toEqual(['a']);
    expect(() => state.push(record(1, 'c', 'agent', 0), 0)).toThrow(SpeakerStateError);
    expect(state.dropPartitions([1])).toBe(1);
    expect(state.size).toBe(1);
  });
});

describe('createEventDedupe', () => {
  it('passes the first copy of an id and forgets the oldest beyond its capacity', () => {
    const dedupe = createEventDedupe(2);
    expect(dedupe.firstSeen('x')).toBe(true);
    expect(dedupe.firstSeen('x')).toBe(false);
    dedupe.firstSeen('y');
    dedupe.firstSeen('z');
    expect(dedupe.size).toBe(2);
    expect(dedupe.firstSeen('x')).toBe(true);
  });
});
