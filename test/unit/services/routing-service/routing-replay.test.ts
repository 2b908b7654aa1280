// The routing service's replay state: commits held at each live call's first record per topic,
// replay marks, revocations that forget the revoked partitions' calls whole; and the call
// directory every instance keeps (live calls, bounded; ends passed on).
import { pseudonymOf } from '../../../support/pseudonym.ts';
import { describe, expect, it } from 'vitest';
import { createCallDirectory } from '../../../../services/routing-service/call-directory.ts';
import { createRoutingReplay } from '../../../../services/routing-service/routing-replay.ts';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';

describe('routing replay', () => {
  it('holds each topic at its live calls, marks replays, and forgets only calls no topic holds', () => {
    const replay = createRoutingReplay(['calls', 'emotions'], 1000);
    replay.note('calls', 0, 'acme/a', 5);
    replay.note('emotions', 2, 'acme/a', 40);
    replay.note('emotions', 2, 'acme/b', 42);
    expect(replay.commitOffset('calls', 0, '9')).toBe('5');
    expect(replay.commitOffset('emotions', 2, '50')).toBe('40');
    expect(replay.commitOffset('alerts', 0, '7')).toBe('7'); // not an input topic
    replay.setReplayUntil('emotions', 2, 45);
    expect([replay.replayed('emotions', 2, 44), replay.replayed('emotions', 2, 45)]).toEqual([true, false]);
    // A produce failure revokes one partition: its calls go whole (their hints must be made
    // again from the re-read records), on every topic.
    expect(replay.revoke([{ topic: 'emotions', partition: 2 }])).toEqual(['acme/a', 'acme/b']);
    expect(replay.replayed('emotions', 2, 44)).toBe(false);
    expect(replay.commitOffset('emotions', 2, '50')).toBe('50');
    expect(replay.commitOffset('calls', 0, '9')).toBe('9');
  });
});

describe('call directory', () => {
  it('keeps live calls with consent, bounded, and passes ends on', () => {
    const ended: string[] = [];
    const directory = createCallDirectory(2, (tenant, callId) => ended.push(`${tenant}/${callId}`));
    const started = (callId: string, analytics = true) => ({
      ...callEventRecord(callId, { agentId: 'agent-1', queue: 'billing', customerRef: pseudonymOf(callId) }),
      consent: { analytics, storeFeatures: false },
    });
    directory.apply(started('a'));
    directory.apply(started('quiet', false));
    expect(directory.callOf('demo', 'a')).toMatchObject({
      customerRef: pseudonymOf('a'),
      agentId: 'agent-1',
      queue: 'billing',
    });
    expect(directory.callOf('demo', 'quiet')).toBeUndefined();
    directory.apply(started('b'));
    directory.apply(started('c')); // beyond 2: the oldest goes
    expect([directory.size, directory.callOf('demo', 'a')]).toEqual([2, undefined]);
    directory.apply({ ...callEventRecord('b', {}), type: 'ended' });
    expect([directory.callOf('demo', 'b'), ended]).toEqual([undefined, ['demo/b']]);
  });
});
