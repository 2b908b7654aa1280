// The alert rules and a call on hold: hold time (dynamics holdMs, no mutual silence) raises no
// long-silence alert and, past two minutes, the long-hold cue; a window on hold neither holds nor
// breaks a speech-time episode (a customer angry before and after a hold is one episode).
import { describe, expect, it } from 'vitest';
import { dynamics, emotion, engineWith, range, run } from './helpers.ts';

const ids = (alerts: { ruleId: string; kind: string }[]) => alerts.map((a) => `${a.ruleId}/${a.kind}`);

describe('alert rules on hold', () => {
  it('raises no long-silence alert for 20 s of hold, where the same silence does', () => {
    const held = range(0, 20).map((i) => dynamics(i, { silenceMs: 0, holdMs: 2000 }));
    expect(run(engineWith(), held)).toEqual([]);
    const silent = range(0, 20).map((i) => dynamics(i, { silenceMs: 2000 }));
    expect(ids(run(engineWith(), silent))).toEqual(['long-silence/raised']);
  });

  it('cues the agent after two minutes on hold', () => {
    const alerts = run(
      engineWith(),
      range(0, 130).map((i) => dynamics(i, { silenceMs: 0, holdMs: 2000 })),
    );
    expect(ids(alerts)).toEqual(['long-hold/raised']);
    expect(alerts[0].audience).toBe('agent');
    expect(alerts[0].at).toBe(118);
  });

  it('counts anger on both sides of a hold as one episode', () => {
    // 2 s angry, 10 s on hold, 2 s angry: 4 s of angry speech fires; with the hold windows
    // breaking the episode (as 'uncertain' speech), it did not.
    const seq = [
      ...range(0, 2).map((i) => emotion(i, 'customer', 'angry')),
      ...range(2, 12).map((i) => emotion(i, 'customer', 'uncertain', { onHold: true, arousal: 0.5 })),
      ...range(12, 14).map((i) => emotion(i, 'customer', 'angry')),
    ];
    expect(ids(run(engineWith(), seq))).toEqual(['customer-frustration/raised']);
  });
});
