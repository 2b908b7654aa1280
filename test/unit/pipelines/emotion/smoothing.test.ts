// State smoothing: dwell before a switch, confidence hysteresis, no flicker.
import { describe, expect, it } from 'vitest';
import { candidateState, StateSmoother } from '../../../../pipelines/emotion/smoothing.ts';
import type { EmotionState } from '../../../../pipelines/emotion/types.ts';

const T = { minSpeechFraction: 0.25, enterConfidence: 0.45, stayConfidence: 0.3 };

describe('StateSmoother', () => {
  it('does not flicker when single windows disagree', () => {
    const s = new StateSmoother(2);
    const seq: EmotionState[] = ['neutral', 'angry', 'neutral', 'sad', 'neutral', 'angry', 'neutral'];
    const states = seq.map((c) => (s.next(c), s.current));
    expect(new Set(states)).toEqual(new Set(['neutral']));
  });

  it('switches after two consecutive windows agree, and flags the change once', () => {
    const s = new StateSmoother(2);
    const changed = (['neutral', 'neutral', 'angry', 'angry', 'angry'] as EmotionState[]).map((c) =>
      s.next(c),
    );
    expect(changed).toEqual([false, false, false, true, false]);
    expect(s.current).toBe('angry');
  });

  it('needs the same new state twice: angry then sad does not switch', () => {
    const s = new StateSmoother(2);
    for (const c of ['neutral', 'angry', 'sad'] as EmotionState[]) s.next(c);
    expect(s.current).toBe('neutral');
  });
});

describe('StateSmoother across a pause (the other side speaking)', () => {
  it('comes back at once to the state the pause interrupted, and remembers it during the pause', () => {
    const s = new StateSmoother(2);
    const seq: EmotionState[] = ['angry', 'angry', 'no-speech', 'no-speech', 'angry', 'angry'];
    const states = seq.map((c) => (s.next(c), s.current));
    expect(states).toEqual(['angry', 'angry', 'angry', 'no-speech', 'angry', 'angry']);
    expect(s.spoken).toBe('angry');
  });

  it('still waits the dwell for a different state after the pause', () => {
    const s = new StateSmoother(2);
    for (const c of ['angry', 'no-speech', 'no-speech'] as EmotionState[]) s.next(c);
    expect(s.next('neutral')).toBe(false);
    expect(s.current).toBe('no-speech');
    expect(s.next('neutral')).toBe(true);
    expect([s.current, s.spoken]).toEqual(['neutral', 'neutral']);
  });
});

describe('candidateState', () => {
  it('says no-speech when the window holds too little speech', () => {
    expect(candidateState('angry', 0.1, 'angry', 0.99, T)).toBe('no-speech');
  });

  it('says uncertain below the entering confidence', () => {
    expect(candidateState('neutral', 0.9, 'angry', 0.4, T)).toBe('uncertain');
    expect(candidateState('neutral', 0.9, 'angry', 0.5, T)).toBe('angry');
  });

  it('keeps the current emotion with less confidence than entering it needs (hysteresis)', () => {
    expect(candidateState('angry', 0.9, 'angry', 0.35, T)).toBe('angry');
    expect(candidateState('angry', 0.9, 'angry', 0.25, T)).toBe('uncertain');
  });
});
