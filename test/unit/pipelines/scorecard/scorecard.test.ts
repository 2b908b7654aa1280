// The scorecard formula (pipelines/scorecard/README.md) on hand-built calls with known answers.
import { describe, expect, it } from 'vitest';
import {
  combine,
  computeScorecard,
  WEIGHTS,
  type ScorecardInput,
  type ScoreEmotion,
} from '../../../../pipelines/scorecard/index.ts';
import type { EmotionState } from '../../../../pipelines/emotion/types.ts';

/** One event per second (2-s windows, 1-s hop) with the given state and valence per second. */
function customer(states: [EmotionState, number][]): ScoreEmotion[] {
  return states.map(([state, valence], i) => ({
    channel: 'customer',
    startMs: i * 1000,
    endMs: i * 1000 + 2000,
    state,
    valence,
    arousal: 0.5,
  }));
}

function call(overrides: Partial<ScorecardInput>): ScorecardInput {
  return { durationMs: 180_000, windows: [], emotions: [], dynamics: [], alerts: [], ...overrides };
}

/**
 * 20 agent windows at 5 over 0.9 of speech (5.6 while speaking: not fast), 40 at 4.5 over 0.6
 * (7.5: fast), 40 at 4 over 0.4 (10, on too little speech for the shipped line to judge).
 */
const paceWindows = () =>
  Array.from({ length: 100 }, (_, i) => ({
    channel: 'agent' as const,
    startMs: i * 1000,
    endMs: i * 1000 + 2000,
    speechFraction: i < 20 ? 0.9 : i < 60 ? 0.6 : 0.4,
    syllableRate: i < 20 ? 5 : i < 60 ? 4.5 : 4,
    tensionIndex: 0.5,
  }));

const part = (input: ScorecardInput, name: string) =>
  computeScorecard(input).parts.find((p) => p.name === name);

describe('scorecard', () => {
  it('weights sum to 100', () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('measures the customer trajectory from the first to the last minute of speech', () => {
    // 180 s of speech: valence 0.2 in the first minute, 0.5 in the middle, 0.8 in the last.
    const states = Array.from({ length: 180 }, (_, i): [EmotionState, number] => [
      'neutral',
      i < 60 ? 0.2 : i < 120 ? 0.5 : 0.8,
    ]);
    const card = computeScorecard(call({ emotions: customer(states) }));
    expect(card.measures.customerStartValence).toBeCloseTo(0.2, 5);
    expect(card.measures.customerEndValence).toBeCloseTo(0.8, 5);
    expect(card.measures.trajectory).toBeCloseTo(0.6, 5);
    expect(part(call({ emotions: customer(states) }), 'customerTrajectory')?.value).toBe(1);
  });

  it('does not measure a trajectory under 20 s of customer speech, and leaves the part out', () => {
    const input = call({ emotions: customer(Array.from({ length: 15 }, () => ['angry', 0.1])) });
    expect(computeScorecard(input).measures.trajectory).toBeNull();
    expect(part(input, 'customerTrajectory')?.value).toBeNull();
  });

  it('ignores no-speech events and counts negative customer speech by owned time', () => {
    const states: [EmotionState, number][] = [
      ...Array.from({ length: 30 }, (): [EmotionState, number] => ['angry', 0.2]),
      ...Array.from({ length: 30 }, (): [EmotionState, number] => ['no-speech', 0.5]),
      ...Array.from({ length: 30 }, (): [EmotionState, number] => ['neutral', 0.6]),
    ];
    const card = computeScorecard(call({ emotions: customer(states) }));
    // Each event owns the time to the next one, a no-speech one included: angry 0-30 s (the
    // first silent window owns 30-31 s), neutral 60-91 s (the call's last event, its whole 2 s).
    expect(card.measures.customerAngerS).toBe(30);
    expect(card.measures.customerEmotionS).toBe(61);
    expect(part(call({ emotions: customer(states) }), 'customerNegativeShare')?.value).toBeCloseTo(
      1 - 30 / 61 / 0.5,
      3,
    );
    const lessAngry = customer(
      states.map(([s, v], i): [EmotionState, number] => [i < 15 ? s : i < 30 ? 'neutral' : s, v]),
    );
    expect(part(call({ emotions: lessAngry }), 'customerNegativeShare')?.value).toBeCloseTo(
      1 - 15 / 61 / 0.5,
      3,
    );
  });

  it('times de-escalation after a frustration alert; never calm = 0', () => {
    const states = Array.from({ length: 120 }, (_, i): [EmotionState, number] => [
      i < 40 || i >= 100 ? 'angry' : 'neutral',
      0.5,
    ]);
    const alert = (startMs: number) => ({
      alertId: `a${startMs}`,
      ruleId: 'customer-frustration',
      startMs,
      firedAtMs: startMs,
      ackedAtMs: null,
    });
    const quick = call({ emotions: customer(states), alerts: [alert(20_000)] });
    expect(computeScorecard(quick).measures.deEscalationS).toEqual([20]);
    expect(part(quick, 'deEscalation')?.value).toBe(1);
    const never = call({ emotions: customer(states), alerts: [alert(105_000)] });
    expect(computeScorecard(never).measures.deEscalationS).toEqual([null]);
    expect(part(never, 'deEscalation')?.value).toBe(0);
    expect(part(call({ emotions: customer(states) }), 'deEscalation')?.value).toBeNull();
    // The slowest return is "never" (null) when one of them never came, not the slowest that did.
    const both = call({ emotions: customer(states), alerts: [alert(20_000), alert(105_000)] });
    expect(computeScorecard(both).measures.deEscalationS).toEqual([20, null]);
    expect(part(both, 'deEscalation')).toMatchObject({ value: 0.5, measure: null });
  });

  it('scores agent pace and tension compliance over agent speech only', () => {
    const windows = Array.from({ length: 100 }, (_, i) => ({
      channel: 'agent' as const,
      startMs: i * 1000,
      endMs: i * 1000 + 2000,
      speechFraction: i < 80 ? 0.9 : 0.1,
      // 6.5 syllables/s over 0.9 of speech: 7.2 per second of speech, above the limit.
      syllableRate: i < 20 ? 6.5 : 4,
      // Tension: the first 10 windows (the agent's call start) at 0.5, then 30 risen by 0.2.
      tensionIndex: i < 10 ? 0.5 : i < 40 ? 0.7 : 0.5,
    }));
    const input = call({ windows });
    // 80 speech windows, 20 of them fast; after the 10 of the call start, 30 of 70 tense (risen
    // by 0.1 or more over them); the 20 silent windows do not count.
    expect(part(input, 'agentPace')?.value).toBeCloseTo(60 / 80, 3);
    expect(part(input, 'agentTension')?.value).toBeCloseTo(40 / 70, 3);
  });

  it('judges pace as the "speaking too fast" rule does: per second of speech, windows at least half speech', () => {
    expect(part(call({ windows: paceWindows() }), 'agentPace')?.value).toBeCloseTo(20 / 60, 3);
  });

  it('judges pace against the line it is given: its limit and its share of speech, none without one', () => {
    const windows = paceWindows();
    const raised = call({ windows, paceLine: { limit: 8, minSpeechFraction: 0.5, maxGapMs: 10_000 } });
    expect(part(raised, 'agentPace')?.value).toBeCloseTo(1, 3);
    expect(part(raised, 'agentPace')?.explanation).toMatch(/at or below 8 syllables/);
    expect(computeScorecard(raised).measures.agentPaceLimit).toBe(8);
    // A rule judging windows from 0.35 of speech counts the 0.4 ones too (10 while speaking: fast).
    const wider = call({ windows, paceLine: { limit: 8, minSpeechFraction: 0.35, maxGapMs: 10_000 } });
    // (the last window owns its whole 2 s)
    expect(part(wider, 'agentPace')?.value).toBeCloseTo(60 / 101, 3);
    const none = computeScorecard(call({ windows, paceLine: null }));
    expect(none.measures).toMatchObject({ agentPaceCompliance: null, agentPaceLimit: null });
    expect(none.parts.find((p) => p.name === 'agentPace')?.value).toBeNull();
  });

  it('never counts a voice whose tension index reads high from the start as tense', () => {
    // The absolute index >= 0.6 was 39 % of calm speech: the old limit scored calm agents down.
    const windows = Array.from({ length: 60 }, (_, i) => ({
      channel: 'agent' as const,
      startMs: i * 1000,
      endMs: i * 1000 + 2000,
      speechFraction: 0.9,
      syllableRate: 4,
      tensionIndex: 0.78 + (i % 3) * 0.01,
    }));
    expect(part(call({ windows }), 'agentTension')?.value).toBe(1);
  });

  it('counts overtalk once across overlapping windows, and scores silence and talk ratio', () => {
    const dynamics = Array.from({ length: 60 }, (_, i) => ({
      startMs: i * 1000,
      endMs: i * 1000 + 2000,
      // One overtalk seen by two overlapping windows (10 and 11).
      overtalkCount: i === 10 || i === 11 ? 1 : 0,
      longestMutualSilenceMs: i === 30 ? 19_000 : 500,
      talkRatioAgent: 0.8,
    }));
    const input = call({ durationMs: 60_000, dynamics });
    const card = computeScorecard(input);
    expect(card.measures.overtalkCount).toBe(1);
    expect(part(input, 'overtalk')?.value).toBeCloseTo(0.5, 3);
    expect(part(input, 'mutualSilence')?.value).toBeCloseTo(0.5, 3);
    expect(part(input, 'talkRatio')?.value).toBeCloseTo(0.5, 3);
  });

  it('scores alert handling by acknowledgement delay', () => {
    const alerts = [
      { alertId: 'a', ruleId: 'agent-pace', startMs: 0, firedAtMs: 0, ackedAtMs: 30_000 },
      { alertId: 'b', ruleId: 'agent-pace', startMs: 0, firedAtMs: 0, ackedAtMs: 180_000 },
      { alertId: 'c', ruleId: 'agent-pace', startMs: 0, firedAtMs: 0, ackedAtMs: null },
    ];
    const input = call({ alerts });
    expect(part(input, 'alertHandling')?.value).toBeCloseTo((1 + 0.5 + 0) / 3, 3);
    expect(part(input, 'alertHandling')?.measure).toBeCloseTo(2 / 3, 3);
  });

  it('scores an alert and its escalation as one episode, handled by either acknowledgement', () => {
    // An agent-pace cue at 0:30 nobody acknowledged, escalated at 1:30 and acknowledged by a
    // supervisor 120 s after the cue; a second cue acknowledged at once, escalated anyway.
    const alerts = [
      {
        alertId: 'c:agent:60:agent-pace',
        ruleId: 'agent-pace',
        channel: 'agent',
        startMs: 30_000,
        firedAtMs: 30_000,
        ackedAtMs: null,
      },
      {
        alertId: 'c:agent:180:agent-pace.escalated',
        ruleId: 'agent-pace',
        channel: 'agent',
        startMs: 90_000,
        firedAtMs: 90_000,
        ackedAtMs: 150_000,
        escalationOf: 'c:agent:60:agent-pace',
      },
      {
        alertId: 'c:agent:240:agent-pace',
        ruleId: 'agent-pace',
        channel: 'agent',
        startMs: 120_000,
        firedAtMs: 120_000,
        ackedAtMs: 125_000,
      },
      {
        alertId: 'c:agent:300:agent-pace.escalated',
        ruleId: 'agent-pace',
        channel: 'agent',
        startMs: 150_000,
        firedAtMs: 150_000,
        ackedAtMs: 151_000,
        escalationOf: 'c:agent:240:agent-pace',
      },
    ];
    const card = computeScorecard(call({ alerts }));
    expect(card.measures).toMatchObject({ alertsCount: 2, alertsAcknowledged: 2, ackDelaysS: [120, 5] });
    // 120 s: (300 - 120) / 240 = 0.75; 5 s: 1 (the escalation's own quick acknowledgement is not its cue's).
    expect(part(call({ alerts }), 'alertHandling')).toMatchObject({ value: 0.875, measure: 1 });
    // Escalations stored before their link existed (call-store migration 023): known by their id.
    const unlinked = alerts.map(({ escalationOf: _link, ...a }) => a);
    expect(computeScorecard(call({ alerts: unlinked })).measures).toMatchObject({
      alertsCount: 2,
      ackDelaysS: [120, 5],
    });
  });

  it('combines the parts that apply by renormalised weights', () => {
    const parts = [
      { name: 'customerTrajectory' as const, weight: 25, value: 1, measure: 0.6, unit: '', explanation: '' },
      { name: 'agentPace' as const, weight: 10, value: 0.5, measure: 0.5, unit: '', explanation: '' },
      { name: 'alertHandling' as const, weight: 7, value: null, measure: null, unit: '', explanation: '' },
    ];
    expect(combine(parts)).toBe(Math.round((100 * (25 + 5)) / 35));
    expect(combine([])).toBeNull();
    expect(computeScorecard(call({ durationMs: 0 })).score).toBeNull();
  });

  it('scores no call where one side barely spoke or too few parts apply, and says why', () => {
    const speaker = (channel: 'agent' | 'customer', seconds: number) =>
      Array.from({ length: seconds }, (_, i) => ({
        channel,
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        speechFraction: 0.9,
        syllableRate: 4,
        tensionIndex: 0.5,
      }));
    const talkative = (customerS: number) => ({
      windows: [...speaker('agent', 60), ...speaker('customer', customerS)],
      emotions: customer(Array.from({ length: customerS }, (): [EmotionState, number] => ['neutral', 0.6])),
      dynamics: Array.from({ length: 60 }, (_, i) => ({
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        overtalkCount: 0,
        longestMutualSilenceMs: 300,
        talkRatioAgent: 0.5,
      })),
    });
    // One-way audio: the customer never spoke. It read 76 / 100 before.
    const oneWay = computeScorecard(call(talkative(0)));
    expect(oneWay.score).toBeNull();
    expect(oneWay.unscored).toBe('too little speech to judge (customer 0 s, agent 54.9 s; each needs 10 s)');
    // A 0.2 s call scored 100 on its overtalk and silence parts (13 of 100) alone.
    const blip = computeScorecard(call({ durationMs: 200, dynamics: talkative(0).dynamics.slice(0, 1) }));
    expect(blip.score).toBeNull();
    // Both spoke, but without emotion events or dynamics only agent pace, tension, overtalk and
    // silence apply (33 of 100).
    const bare = computeScorecard(call({ windows: talkative(40).windows }));
    expect(bare.score).toBeNull();
    expect(bare.unscored).toBe('too few parts apply (weight 33 of 100, at least 50 needed)');
    const heard = computeScorecard(call(talkative(40)));
    expect(heard.unscored).toBeNull();
    expect(heard.score).toBeGreaterThan(50);
  });
});
