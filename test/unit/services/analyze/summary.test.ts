// Summaries of analysed windows: averages over speech only, merged timeline, trends, and dynamics
// counted once over overlapping windows.
import { describe, expect, it } from 'vitest';
import type { DynamicsWindow } from '../../../../pipelines/dsp/types.ts';
import { EMOTION_LABELS } from '../../../../pipelines/emotion/types.ts';
import {
  summariseDynamics,
  summariseSpeaker,
  timeline,
  trend,
} from '../../../../services/analyze/summary.ts';
import { fakeWindow } from './fixtures/windows.ts';

describe('summariseSpeaker', () => {
  const windows = [
    fakeWindow(0, 'no-speech', NaN),
    fakeWindow(1, 'neutral', 0.3),
    fakeWindow(2, 'neutral', 0.3),
    fakeWindow(3, 'angry', 0.8),
    fakeWindow(4, 'angry', 0.9),
    fakeWindow(5, 'angry', 0.9),
    fakeWindow(6, 'no-speech', NaN),
  ];
  const s = summariseSpeaker(windows, EMOTION_LABELS);

  it('averages class probabilities over speech windows only', () => {
    expect(s.speechWindows).toBe(5);
    expect(s.meanProbabilities.angry).toBeCloseTo(0.6);
    expect(s.meanProbabilities.neutral).toBeCloseTo(0.4);
    expect(s.stateShares['no-speech']).toBeCloseTo(2 / 7);
  });

  it('counts and merges the states as the wallboard shows them: an unsure but tense window reads tense', () => {
    const unsure = summariseSpeaker(
      [fakeWindow(0, 'uncertain', 0.8), fakeWindow(1, 'uncertain', 0.3), fakeWindow(2, 'angry', 0.9)],
      EMOTION_LABELS,
    );
    expect(unsure.stateShares.uncertain).toBeCloseTo(2 / 3);
    expect(unsure.shownShares).toEqual({ tense: 1 / 3, uncertain: 1 / 3, angry: 1 / 3 });
    expect(unsure.shownTimeline.map((t) => t.state)).toEqual(['tense', 'uncertain', 'angry']);
  });

  it('merges the smoothed states into a timeline', () => {
    expect(s.timeline.map((t) => [t.state, t.startMs, t.endMs])).toEqual([
      ['no-speech', 0, 1000],
      ['neutral', 1000, 3000],
      ['angry', 3000, 6000],
      ['no-speech', 6000, 8000],
    ]);
  });

  it("leaves a turn's trailing silent window out of pace, pitch, tension and loudness", () => {
    // The state holds ('uncertain') into the first silent window after a turn; its features are a
    // silent window's: tension from the noise floor's spectral slope, loudness of the line noise.
    const silentTail = fakeWindow(3, 'uncertain', 0.5, { speech: 0.05 });
    silentTail.features.tensionIndex = 1;
    silentTail.features.loudness.meanDbfs = -70;
    const summary = summariseSpeaker(
      [
        fakeWindow(0, 'neutral', 0.3),
        fakeWindow(1, 'neutral', 0.3),
        fakeWindow(2, 'neutral', 0.3),
        silentTail,
      ],
      EMOTION_LABELS,
    );
    expect(summary.tension.max).toBeCloseTo(0.2);
    expect(summary.loudnessDbfs).toBeCloseTo(-20);
    expect(summary.speechWindows).toBe(4); // its emotion still counts where the state does
  });

  it('reports rising arousal and medians of pace and pitch over speech', () => {
    expect(s.arousal?.direction).toBe('rising');
    expect(s.arousal?.first).toBeCloseTo(0.3);
    expect(s.arousal?.last).toBeCloseTo(0.9);
    expect(s.pace.syllableRate).toBe(7);
    expect(s.pitch.medianHz).toBe(130);
    expect(s.tension.max).toBeCloseTo(0.5);
  });

  it('handles a speaker who never speaks', () => {
    const silent = summariseSpeaker([fakeWindow(0, 'no-speech', NaN)], EMOTION_LABELS);
    expect(silent.speechWindows).toBe(0);
    expect(silent.arousal).toBeNull();
    expect(Number.isNaN(silent.meanProbabilities.neutral)).toBe(true);
  });
});

describe('trend and timeline', () => {
  it('calls small changes steady', () => {
    expect(trend([0.5, 0.52, 0.55, 0.5, 0.56, 0.54])?.direction).toBe('steady');
    expect(trend([0.8, 0.7, 0.6, 0.5, 0.4, 0.3])?.direction).toBe('falling');
    expect(trend([])).toBeNull();
  });

  it('is empty without windows', () => {
    expect(timeline([])).toEqual([]);
  });
});

describe('summariseDynamics', () => {
  const dyn = (i: number, overtalkMs: number, latency: number[]): DynamicsWindow => ({
    windowIndex: i,
    startMs: i * 1000,
    endMs: i * 1000 + 2000,
    overtalkCount: overtalkMs > 0 ? 1 : 0,
    overtalkMs,
    mutualSilenceMs: 500,
    longestMutualSilenceMs: 400 + i,
    talkRatioAgent: 0.5,
    agentResponseLatencyMs: latency,
    customerResponseLatencyMs: [],
  });

  it('joins a mutual silence over several windows (a window holds at most its own 2 s)', () => {
    const tile = (i: number, silentMs: number, longestMs: number): DynamicsWindow => ({
      ...dyn(i, 0, []),
      mutualSilenceMs: silentMs,
      longestMutualSilenceMs: longestMs,
    });
    // 2-s windows every 1 s: tiles are the even ones; 0–2 s speech, 2–14 s silent, 14–16 s speech.
    const tiles = Array.from({ length: 16 }, (_, i) =>
      i >= 2 && i < 14 ? tile(i, 2000, 2000) : tile(i, 300, 300),
    );
    expect(summariseDynamics(tiles, [], []).longestMutualSilenceS).toBeCloseTo(12);
    // A silent stretch broken by speech counts its longest part.
    tiles[8] = tile(8, 1200, 700);
    expect(summariseDynamics(tiles, [], []).longestMutualSilenceS).toBeCloseTo(6);
  });

  it('takes a silence across two tiles from the window between them', () => {
    // 1-3 s silent: half of tile 0 (0-2 s) and of tile 2 (2-4 s), all of window 1.
    const windows = [0, 1, 2, 3].map((i) => ({
      ...dyn(i, 0, []),
      mutualSilenceMs: i === 1 ? 2000 : 1000,
      longestMutualSilenceMs: i === 1 ? 2000 : 1000,
    }));
    expect(summariseDynamics(windows, [], []).longestMutualSilenceS).toBeCloseTo(2);
  });

  it('counts each moment once over 2-s windows every 1 s', () => {
    const d = summariseDynamics(
      [dyn(0, 300, [200]), dyn(1, 300, [200]), dyn(2, 0, [600]), dyn(3, 0, [600])],
      [fakeWindow(0, 'neutral', 0.5, { speech: 0.25 }), fakeWindow(2, 'neutral', 0.5, { speech: 0.25 })],
      [fakeWindow(0, 'neutral', 0.5, { speech: 0.75 }), fakeWindow(2, 'neutral', 0.5, { speech: 0.75 })],
    );
    expect(d.overtalkCount).toBe(1);
    expect(d.overtalkS).toBeCloseTo(0.3);
    expect(d.mutualSilenceS).toBeCloseTo(1);
    expect(d.longestMutualSilenceS).toBeCloseTo(0.403); // window 3's own, though not a tile
    expect(d.talkRatioAgent).toBeCloseTo(0.25);
    expect(d.agentResponseLatencyMs).toBe(400);
    expect(Number.isNaN(d.customerResponseLatencyMs)).toBe(true);
  });
});
