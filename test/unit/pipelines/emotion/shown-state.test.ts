// What the wallboard, the agent page and the demo console show for an emotion event: a confident
// class as is; "uncertain" replaced by "tense" when the arousal decision is confidently high.
import { describe, expect, it } from 'vitest';
import { arousalCue, shownState, TENSE_AT_AROUSAL } from '../../../../pipelines/emotion/index.ts';

describe('shownState', () => {
  it('shows a confident class whatever the arousal', () => {
    expect(shownState('angry', 0.9)).toBe('angry');
    expect(shownState('sad', 0.95)).toBe('sad');
    expect(shownState('neutral', 0.1)).toBe('neutral');
  });

  it('shows "tense" instead of "uncertain" when high arousal is confident', () => {
    expect(shownState('uncertain', 0.72)).toBe('tense');
    expect(shownState('uncertain', TENSE_AT_AROUSAL)).toBe('tense');
  });

  it('keeps "uncertain" near the decision point, when arousal is low, or unknown', () => {
    // Low arousal is no "calm" cue: on the call protocol it was right about half the time.
    for (const arousal of [0.5, 0.55, 0.45, 0.1, null, Number.NaN]) {
      expect(shownState('uncertain', arousal)).toBe('uncertain');
    }
  });

  it('never puts a cue on a window without speech', () => {
    expect(shownState('no-speech', 0.9)).toBe('no-speech');
    expect(arousalCue(0.9)).toBe('tense');
  });
});
