// The pages' voice stress: the agent's tension over its own first 10 speech windows, as the alert
// engine measures it. Repeated windows teach the baseline once; an instance that joined the call
// after its start (a restart) says "unknown" instead of learning a mid-call baseline that would
// contradict the engine's alerts (review). After a transfer to another agent (the window's agent
// leg changes) the new agent's voice stress is read against their own start.
import { describe, expect, it } from 'vitest';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { visibleCalls } from '../../../../services/alert-service/hub-visibility.ts';

const admin = { userId: 'a', role: 'admin' as const, tenant: 'demo', agentId: null, teams: [] };

function registryWith(windows: { index: number; tension: number; agentLeg?: number }[]) {
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
        ...(w.agentLeg === undefined ? {} : { agentLeg: w.agentLeg }),
      },
      w.index,
    );
  return visibleCalls(r, admin)[0].agent;
}

const at = (from: number, to: number, tension: number, agentLeg?: number) =>
  Array.from({ length: to - from }, (_, i) => ({ index: from + i, tension, agentLeg }));

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

  it('learns a new agent’s start after a transfer (also on an instance that joined mid-call)', () => {
    const firstLeg = at(0, 30, 0.5, 11);
    expect(registryWith([...firstLeg, ...at(30, 35, 0.65, 22)])).toMatchObject({
      tensionRise: null,
      tensionFrom: 'learning',
    });
    expect(registryWith([...firstLeg, ...at(30, 40, 0.65, 22), ...at(40, 42, 0.7, 22)])).toMatchObject({
      tensionRise: 0.05,
      tensionFrom: 'call-start',
    });
    // The same agent reconnecting keeps the first baseline; joined mid-call, the new leg is seen whole.
    expect(registryWith([...firstLeg, ...at(30, 32, 0.65, 11)]).tensionRise).toBe(0.15);
    expect(
      registryWith([...at(20, 30, 0.5, 11), ...at(30, 40, 0.6, 22), ...at(40, 41, 0.7, 22)]),
    ).toMatchObject({
      tensionFrom: 'call-start',
    });
  });
});
