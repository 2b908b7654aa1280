// The supervisor-only customer-line-fault alert on a call the scorecard judges: the fault is the
// line's, so whether a supervisor acknowledged it does not move the agent's score.
import { describe, expect, it } from 'vitest';
import { computeScorecard, type ScoreAlert } from '../../../../pipelines/scorecard/index.ts';

/** 60 s, both heard; the customer's line suspected one-way from 40 s on. */
const card = (alerts: ScoreAlert[]) =>
  computeScorecard({
    durationMs: 60_000,
    windows: Array.from({ length: 59 }, (_, i) =>
      (['agent', 'customer'] as const).map((channel) => ({
        channel,
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        speechFraction: channel === 'agent' || i < 38 ? 0.5 : 0,
        syllableRate: 4,
        tensionIndex: 0.3,
      })),
    ).flat(),
    emotions: Array.from({ length: 38 }, (_, i) =>
      (['agent', 'customer'] as const).map((channel) => ({
        channel,
        startMs: i * 1000,
        endMs: i * 1000 + 2000,
        state: 'neutral' as const,
        valence: 0.5,
        arousal: 0.3,
      })),
    ).flat(),
    dynamics: Array.from({ length: 59 }, (_, i) => {
      const startMs = i * 1000;
      const endMs = startMs + 2000;
      const fault = Math.max(0, endMs - Math.max(startMs, 40_000));
      return {
        startMs,
        endMs,
        overtalkCount: 0,
        longestMutualSilenceMs: 500,
        talkRatioAgent: fault > 0 ? null : 0.5,
        ...(fault > 0 ? { customerLineFaultMs: fault } : {}),
      };
    }),
    alerts,
  });

describe('scorecard: the customer-line-fault alert', () => {
  it('leaves the score as it is without the alert when no supervisor acknowledged it', () => {
    const without = card([]);
    expect(without.score).not.toBeNull();
    const unacked = card([
      {
        alertId: 'c:call:40:customer-line-fault',
        ruleId: 'customer-line-fault',
        // As shipped (config/alert-rules.yaml) and as the call store reads it (alerts.audience).
        audience: 'supervisor',
        startMs: 40_000,
        firedAtMs: 40_000,
        ackedAtMs: null,
      },
    ]);
    expect(unacked.parts.find((p) => p.name === 'alertHandling')?.value ?? null).toBeNull();
    expect(unacked.score).toBe(without.score);
  });
});
