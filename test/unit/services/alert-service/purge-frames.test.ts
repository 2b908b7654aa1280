// A WebSocket state frame used to send every client the ids of every purged
// call, of every tenant. Now the `removed` list of a frame names only calls its client could see.
import { agentTeamKey } from '../../../../services/shared/auth/users.ts';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../services/shared/auth/roles.ts';
import { createCallRegistry } from '../../../../services/alert-service/call-registry.ts';
import { createStateFrames } from '../../../../services/alert-service/state-frames.ts';
import type { RemovedCallView } from '../../../../services/alert-service/protocol.ts';

const supervisor = (tenant: string, teams: string[] = []): Principal => ({
  userId: `sup-${tenant}`,
  role: 'supervisor',
  tenant,
  agentId: null,
  teams,
});
const agent = (tenant: string, agentId: string): Principal => ({
  userId: agentId,
  role: 'agent',
  tenant,
  agentId,
  teams: [],
});
const removedOf = (frame: Buffer | null): string[] =>
  frame === null
    ? []
    : (JSON.parse(frame.toString()) as { removed: RemovedCallView[] }).removed.map(
        (c) => `${c.tenant}/${c.callId}`,
      );

describe('purged call ids in state frames', () => {
  it('go only to clients that could see the call', () => {
    const r = createCallRegistry({
      endedRetentionMs: 10,
      teamOfAgent: new Map([
        [agentTeamKey('acme', 'a-1'), 'billing'],
        [agentTeamKey('globex', 'a-2'), 'sales'],
      ]),
    });
    const start = (tenant: string, callId: string, agentId: string): void =>
      r.start({ callId, tenant, agentId, team: '', queue: '', startedAtMs: 0 });
    start('acme', 'acme-secret-call', 'a-1');
    start('globex', 'globex-secret-call', 'a-2');
    start('globex', 'globex-other', 'a-3');
    r.takeChanges(1);
    r.end('acme', 'acme-secret-call', 2);
    r.end('globex', 'globex-secret-call', 2);
    const frameFor = createStateFrames(r.takeChanges(100));

    expect(removedOf(frameFor(supervisor('acme')))).toEqual(['acme/acme-secret-call']);
    expect(removedOf(frameFor(supervisor('globex')))).toEqual(['globex/globex-secret-call']);
    // Within a tenant too: a team supervisor and an agent hear only of their own calls.
    expect(removedOf(frameFor(supervisor('globex', ['billing'])))).toEqual([]);
    expect(removedOf(frameFor(agent('globex', 'a-3')))).toEqual([]);
    expect(removedOf(frameFor(agent('globex', 'a-2')))).toEqual(['globex/globex-secret-call']);
    // An every-tenant admin sees both.
    expect(removedOf(frameFor({ ...supervisor('*'), role: 'admin' })).sort()).toEqual([
      'acme/acme-secret-call',
      'globex/globex-secret-call',
    ]);
  });

  it("name each purged call with its tenant, so two tenants' calls of one id stay apart", () => {
    const r = createCallRegistry({ endedRetentionMs: 10, teamOfAgent: new Map() });
    for (const tenant of ['acme', 'globex'])
      r.start({ callId: 'twin', tenant, agentId: 'a-1', team: '', queue: '', startedAtMs: 0 });
    r.takeChanges(1);
    r.end('acme', 'twin', 2);
    const frameFor = createStateFrames(r.takeChanges(100));
    expect(removedOf(frameFor({ ...supervisor('*'), role: 'admin' }))).toEqual(['acme/twin']);
  });

  it('tell the previous agent and team that a call transferred on a resumed start is gone from them', () => {
    // Transfer probe: a resumed CallStart with the same call id and agent-3 of team support moved
    // the call to agent-3, and agent-1's page and billing's supervisor kept a live tile of it
    // (its customer angry, audio time frozen) until reloaded: no frame ever named the call to them.
    const r = createCallRegistry({ teamOfAgent: new Map() });
    r.start({ callId: 'c', tenant: 'acme', agentId: 'agent-1', team: 'billing', queue: 'q', startedAtMs: 5 });
    r.takeChanges(10);
    r.start({ callId: 'c', tenant: 'acme', agentId: 'agent-3', team: 'support', queue: 'q', startedAtMs: 5 });
    const frameFor = createStateFrames(r.takeChanges(20));
    const callsOf = (frame: Buffer | null): string[] =>
      frame === null
        ? []
        : (JSON.parse(frame.toString()) as { calls: { agentId: string }[] }).calls.map((c) => c.agentId);

    expect(removedOf(frameFor(agent('acme', 'agent-1')))).toEqual(['acme/c']);
    expect(removedOf(frameFor(supervisor('acme', ['billing'])))).toEqual(['acme/c']);
    // The new owner and a whole-tenant supervisor get the call under agent-3, not its removal.
    expect(callsOf(frameFor(agent('acme', 'agent-3')))).toEqual(['agent-3']);
    expect(removedOf(frameFor(agent('acme', 'agent-3')))).toEqual([]);
    expect(callsOf(frameFor(supervisor('acme', ['support'])))).toEqual(['agent-3']);
    expect(removedOf(frameFor(supervisor('acme')))).toEqual([]);
    expect(callsOf(frameFor(supervisor('acme')))).toEqual(['agent-3']);
    // Told once; a repeated start with the same owner (at-least-once) hands nothing over.
    r.start({ callId: 'c', tenant: 'acme', agentId: 'agent-3', team: 'support', queue: 'q', startedAtMs: 5 });
    expect(r.takeChanges(30).removed).toEqual([]);
  });
});
