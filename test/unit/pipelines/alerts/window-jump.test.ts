// The alert engine refuses a window far ahead of its stream (WINDOW_JUMP) and judges the next
// ones from the last window it took, keeping the last known arrival clock when a window has none.
import { describe, expect, it } from 'vitest';
import { createAlertEngine, WindowJumpError, type Observation } from '../../../../pipelines/alerts/index.ts';
import type { EmotionEvent } from '../../../../pipelines/emotion/types.ts';
import { windowJumpProblem } from '../../../../services/shared/audio-pace.ts';
import { emotionOnGrid } from '../../../../devkit/records/speaker-window.ts';

const T0 = 1_764_900_000_000;

function emotion(i: number, arrivalMs: number): Observation {
  const event = { ...emotionOnGrid('c', 'customer', i), state: 'neutral' } as unknown as EmotionEvent;
  return { source: 'emotion', callId: 'c', channel: 'customer', event, arrivalMs };
}

describe('alert engine, windows far ahead', () => {
  it('refuses a jump the gateway clock does not allow, and takes a resume after a window of unknown arrival', () => {
    let now = T0;
    const engine = createAlertEngine({
      rules: { version: 't', rules: [] },
      windowJump: (prev, next) => windowJumpProblem(prev, next, now),
    });
    for (let i = 0; i <= 4; i += 1) engine.push(emotion(i, T0 + i * 1000));
    // Two days of audio ahead a second later.
    expect(() => engine.push(emotion(172_000, T0 + 5000))).toThrow(WindowJumpError);
    // An idle-flushed window carries no arrival; the resume 30 minutes on is judged from window 4's.
    engine.push(emotion(5, 0));
    now = T0 + 1_805_000;
    expect(() => engine.push(emotion(1_805, T0 + 1_805_000))).not.toThrow();
  });
});
