// The pages' voice stress: the agent's tension over its own first 10 speech windows, as the alert
// engine measures it. Repeated windows teach the baseline once; an instance that joined the call
// after its start (a restart) says "unknown" instead of learning a mid-call baseline that would
// contradict the engine's alerts (review).
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };

function registryWith(windows: { index: number; tension: number }[]) {
  const r = createCallRegistry();
  r.start({ callId: 'c1', tenant: 'demo', agentId: 'agent-1', team: '', queue: 'q', startedAtMs: 0 });
  for (const w of windows)
    r.features(
      'demo',
      'c1',
      {
        channel: 'agent',
        windowIndex: w.index,
        articulationRate: 4,
        tensionIndex: w.tension,
        speechFraction: 0.9,
        endMs: w.index * 1000 + 2000,
      },
      w.index,
    );
  return visibleCalls(r, admin)[0].agent;
}

const at = (from: number, to: number, tension: number) =>
  Array.from({ length: to - from }, (_, i) => ({ index: from + i, tension }));

describe('live voice stress', () => {
  it('learns the first 10 speech windows, then shows the rise over them', () => {
    expect(registryWith(at(0, 5, 0.5))).toMatchObject({ tensionRise: null, tensionFrom: 'learning' });
    expect(registryWith([...at(0, 10, 0.5), ...at(10, 12, 0.65)])).toMatchObject({
      tensionRise: 0.15,
      tensionFrom: 'call-start',
    });
  });

  it('teaches the baseline once when windows come again', () => {
    const windows = [...at(0, 5, 0.3), ...at(0, 5, 0.3), ...at(5, 10, 0.5), ...at(10, 11, 0.5)];
    // Baseline (5 × 0.3 + 5 × 0.5) / 10 = 0.4: the repeats did not count twice.
    expect(registryWith(windows).tensionRise).toBe(0.1);
  });

  it('says unknown when it joined after the call start, whatever it sees later', () => {
    expect(registryWith(at(30, 60, 0.5))).toMatchObject({ tensionRise: null, tensionFrom: 'unknown' });
  });
});
