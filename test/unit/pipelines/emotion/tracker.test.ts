// createEmotionTracker: event shape and ids, baseline-relative judgement, no-speech, uncertain,
// smoothing with the changed flag, and evidence in plain words with numbers.
import { describe, expect, it } from 'vitest';
import { createEmotionTracker, EmotionError, EMOTION_LABELS } from '../../../../pipelines/emotion/index.ts';
import { toyModel, toyWindow } from './toy-model.ts';

// Warm-up off: these tests judge single windows from the first one on.
const tracker = () =>
  createEmotionTracker({ model: toyModel(), callId: 'c1', channel: 'customer', warmupWindows: 0 });

describe('createEmotionTracker', () => {
  it('emits one well-formed event per window with a deterministic id', () => {
    const e = tracker().push(toyWindow(7, [0, 0, 0]));
    expect(e.eventId).toBe('c1:customer:7:emotion');
    expect([e.startMs, e.endMs]).toEqual([7000, 9000]);
    expect(Object.keys(e.probabilities)).toEqual([...EMOTION_LABELS]);
    const sum = Object.values(e.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
    expect(e.rawLabel).toBe('neutral');
    expect(e.confidence).toBeCloseTo(e.probabilities.neutral, 12);
    for (const v of [e.arousal, e.valence, e.confidence]) expect(v).toBeGreaterThanOrEqual(0);
    expect(e.valence).toBeGreaterThan(0.5);
  });

  it('judges against the speaker baseline: a level that is normal for this speaker is not anger', () => {
    const t = tracker();
    // This speaker's functional 0 sits at 3 (far above the population prior of 0).
    for (let i = 0; i < 40; i++) t.push(toyWindow(i, [3 + (i % 2) * 0.2, 0, 0]));
    const usual = t.push(toyWindow(40, [3.1, 0, 0]));
    expect(usual.rawLabel).toBe('neutral');
    const raised = t.push(toyWindow(41, [5, 0, 0]));
    expect(raised.rawLabel).toBe('angry');
    expect(raised.arousal).toBeGreaterThan(0.5);
  });

  it('switches state only after two angry windows and flags the change once', () => {
    const t = tracker();
    const events = [0, 0, 0, 0, 9, 9, 9].map((v, i) => t.push(toyWindow(i, [v, 0, 0])));
    expect(events.map((e) => e.state)).toEqual([
      'neutral',
      'neutral',
      'neutral',
      'neutral',
      'neutral',
      'angry',
      'angry',
    ]);
    expect(events.map((e) => e.changed)).toEqual([false, false, false, false, false, true, false]);
    expect(events[4].rawLabel).toBe('angry');
  });

  it('says no-speech for silent windows and does not learn the baseline from them', () => {
    const t = tracker();
    const events = [0, 1, 2].map((i) => t.push(toyWindow(i, [50, 50, 0], { speechFraction: 0.05 })));
    expect(events.map((e) => e.state)).toEqual(['no-speech', 'no-speech', 'no-speech']);
    expect(events[0].evidence[0]).toMatch(/too little to judge/);
    // The loud silent windows did not move the baseline: a plain window is still neutral.
    expect(t.push(toyWindow(3, [0, 0, 0])).rawLabel).toBe('neutral');
  });

  it('says uncertain rather than a made-up emotion when the model is torn', () => {
    const t = tracker();
    // f0 and f1 both high: angry and sad tie, confidence < 0.45 (until the baseline learns that
    // this is how the speaker sounds).
    const events = [0, 1].map((i) => t.push(toyWindow(i, [1.2, 1.2, 0])));
    expect(events[0].confidence).toBeLessThan(0.45);
    expect(events.map((e) => e.state)).toEqual(['uncertain', 'uncertain']);
  });

  it('names evidence relative to the baseline in plain words with numbers', () => {
    const t = tracker();
    for (let i = 0; i < 30; i++) {
      t.push(
        toyWindow(i, [0, 0, 0], {
          pitch: {
            medianHz: 200,
            medianSt: 20 + (i % 2) * 0.5,
            meanSt: 20,
            stdSt: 2,
            rangeSt: 6,
            slopeStPerS: 0,
          },
          pace: { syllableRate: 4 + (i % 2) * 0.2, articulationRate: 5, pauseRatio: 0.2, meanPauseMs: 300 },
        }),
      );
    }
    const e = t.push(
      toyWindow(30, [6, 0, 0], {
        pitch: { medianHz: 240, medianSt: 23.3, meanSt: 23, stdSt: 3, rangeSt: 6, slopeStPerS: 0 },
        pace: { syllableRate: 5.8, articulationRate: 6, pauseRatio: 0.2, meanPauseMs: 300 },
        tensionIndex: 0.8,
      }),
    );
    expect(e.evidence.length).toBeGreaterThan(0);
    expect(e.evidence.length).toBeLessThanOrEqual(3);
    const text = e.evidence.join('; ');
    expect(text).toMatch(/pitch \+3\.\d st above baseline/);
    expect(text).toMatch(/pace 5\.8 syl\/s, \+4\d %/);
    expect(text).toMatch(/tension high \(0\.80, baseline 0\.4\d\)/);
  });

  it('says "close to baseline" when nothing stands out', () => {
    const t = tracker();
    for (let i = 0; i < 10; i++) t.push(toyWindow(i, [0, 0, 0]));
    expect(t.push(toyWindow(10, [0, 0, 0])).evidence[0]).toMatch(
      /^close to baseline \(pitch \+0\.0 st above baseline; pace 4\.0 syl\/s, [+-]0 %\)$/,
    );
  });

  it('rejects a window whose functionals do not match the model', () => {
    const w = toyWindow(0, [0, 0, 0], { functionals: new Float64Array(5) });
    expect(() => tracker().push(w)).toThrow(EmotionError);
  });
});

describe('calm-start baseline', () => {
  it("names no class until it has learnt the caller's first speech windows", () => {
    const t = createEmotionTracker({ model: toyModel(), callId: 'c', channel: 'customer', warmupWindows: 3 });
    const events = [9, 9, 9, 0, 0].map((v, i) => t.push(toyWindow(i, [v, 0, 0])));
    expect(events.slice(0, 3).map((e) => e.state)).toEqual(['uncertain', 'uncertain', 'uncertain']);
    expect(events[0].rawLabel).toBe('angry');
    expect(events[0].arousal).toBeGreaterThan(0.5);
  });

  it('learns only the first learnWindows speech windows, so sustained anger stays visible', () => {
    const t = tracker();
    const calm = toyModel().baseline.learnWindows;
    for (let i = 0; i < calm; i++) t.push(toyWindow(i, [i % 2 ? 0.1 : -0.1, 0, 0]));
    let last = t.push(toyWindow(calm, [3, 0, 0]));
    for (let i = calm + 1; i < calm + 40; i++) last = t.push(toyWindow(i, [3, 0, 0]));
    // Forty aroused windows later they are still judged against the calm start.
    expect(last.rawLabel).toBe('angry');
    expect(last.state).toBe('angry');
    expect(last.arousal).toBeGreaterThan(0.9);
  });

  it('reports arousal and valence with the confidence of their own decision', () => {
    const t = tracker();
    for (let i = 0; i < 6; i++) t.push(toyWindow(i, [0, 0, 0]));
    const e = t.push(toyWindow(6, [4, 0, 0]));
    expect(e.arousal).toBeGreaterThan(0.5);
    expect(e.arousalConfidence).toBeCloseTo(e.arousal, 12);
    expect(e.valence).toBeLessThan(0.5);
    expect(e.valenceConfidence).toBeCloseTo(1 - e.valence, 12);
  });

  it('does not learn windows with too little speech', () => {
    const t = tracker();
    for (let i = 0; i < 10; i++) t.push(toyWindow(i, [6, 0, 0], { speechFraction: 0.3 }));
    // Thin-speech windows (below learnMinSpeech) did not become the baseline: 6 is still high.
    expect(t.push(toyWindow(10, [6, 0, 0])).rawLabel).toBe('angry');
  });
});
