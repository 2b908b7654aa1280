// The customer's one-line history and the mood of a call it is built from (pipelines/history).
import { describe, expect, it } from 'vitest';
import { customerMood, historyLine, ordinal } from '../../../../pipelines/history/index.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const base = {
  recentCalls: 2,
  windowDays: 7,
  totalCalls: 2,
  lastEndState: 'angry',
  lastCallAt: '2026-12-04T09:00:00Z',
  escalations: 2,
  frustrationEpisodes: 3,
};

describe('history line', () => {
  it('reads like the issue: count in the window, how the last call ended, escalations', () => {
    expect(historyLine(base, NOW)).toBe('3rd call in 7 days · last call ended angry · 2 escalations');
  });

  it('names frustration episodes when nothing escalated, and old calls by their age', () => {
    expect(
      historyLine(
        {
          ...base,
          recentCalls: 0,
          escalations: 0,
          frustrationEpisodes: 1,
          lastCallAt: '2026-11-20T12:00:00Z',
        },
        NOW,
      ),
    ).toBe('last call 14 days ago · last call ended angry · 1 frustration episode');
  });

  it('says nothing for a first call', () => {
    expect(
      historyLine({ ...base, recentCalls: 0, totalCalls: 0, lastEndState: null, lastCallAt: null }, NOW),
    ).toBeNull();
  });

  it('leads a transferred call with how the previous leg ended, and counts it as no earlier call', () => {
    const first = { ...base, recentCalls: 0, totalCalls: 0, lastEndState: null, lastCallAt: null };
    expect(historyLine({ ...first, transferred: true, previousLegEndState: 'angry' }, NOW)).toBe(
      'transferred: last leg ended angry',
    );
    expect(historyLine({ ...first, transferred: true, previousLegEndState: null }, NOW)).toBe('transferred');
    expect(historyLine({ ...base, transferred: true, previousLegEndState: 'neutral' }, NOW)).toBe(
      'transferred: last leg ended neutral · 3rd call in 7 days · last call ended angry · 2 escalations',
    );
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '111th',
    ]);
  });
});

describe('customer mood of a call', () => {
  const event = (startS: number, state: string, valence: number) => ({
    startMs: startS * 1000,
    endMs: startS * 1000 + 2000,
    state: state as 'neutral',
    arousal: state === 'angry' ? 0.8 : 0.4,
    valence,
  });

  it('takes the dominant decided state of the first and the last 30 s of customer speech', () => {
    const events = [
      ...Array.from({ length: 40 }, (_, i) => event(i, i % 7 === 0 ? 'uncertain' : 'neutral', 0.6)),
      ...Array.from({ length: 40 }, (_, i) => event(40 + i, 'angry', 0.2)),
    ].reverse();
    const mood = customerMood(events, [
      { alertId: 'c:customer:50:customer-frustration', ruleId: 'customer-frustration' },
      { alertId: 'c:customer:50:customer-frustration.escalated', ruleId: 'customer-frustration' },
    ]);
    expect(mood.start).toMatchObject({ state: 'neutral', valence: 0.6 });
    expect(mood.end).toMatchObject({ state: 'angry', valence: 0.2, arousal: 0.8 });
    expect(mood.frustrationEpisodes).toBe(1);
    expect(mood.escalations).toBe(1);
  });

  it('reads a calm start the model was unsure of as the start, not the anger after it', () => {
    // 30 s of speech, mostly uncertain with a few neutral windows, then 40 s of anger, then calm.
    const events = [
      ...Array.from({ length: 30 }, (_, i) => event(i, i % 5 === 0 ? 'neutral' : 'uncertain', 0.62)),
      ...Array.from({ length: 40 }, (_, i) => event(30 + i, 'angry', 0.2)),
      ...Array.from({ length: 30 }, (_, i) => event(70 + i, i % 4 === 0 ? 'neutral' : 'uncertain', 0.6)),
    ];
    const mood = customerMood(events, []);
    expect(mood.start).toMatchObject({ state: 'neutral', valence: 0.62 });
    expect(mood.end).toMatchObject({ state: 'neutral', valence: 0.6 });
  });

  it('knows nothing of a call without decided customer speech', () => {
    const mood = customerMood([event(0, 'no-speech', 0.5)], []);
    expect(mood.end).toEqual({ state: null, arousal: null, valence: null });
  });
});
