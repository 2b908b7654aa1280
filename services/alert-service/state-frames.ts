// The `state` frames of one push: each changed call serialised once, and each distinct frame
// (which changed calls and purged ids a client may see) built once, so clients that see the same
// calls (e.g. all supervisors of a tenant) share one buffer. Purged calls (tenant and id) too go
// only to clients that could see the call (no other tenant's call ids), as do calls handed to
// another agent or team, to the clients that saw them and no longer do. Pure.
import { canSeeCall } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import { callView, type CallRegistry } from './call-registry.ts';
import type { RemovedCallView } from './protocol.ts';

/** Newest trend points in state frames (the snapshot carries the whole trend). */
const TREND_TAIL = 8;

export type StateChanges = ReturnType<CallRegistry['takeChanges']>;

/** The frame for a client of principal `p`, or null when nothing of this push concerns it. */
export function createStateFrames({ changed, removed }: StateChanges): (p: Principal) => Buffer | null {
  const parts = changed.map((c) => ({ call: c, json: JSON.stringify(callView(c, TREND_TAIL)) }));
  const frames = new Map<string, Buffer | null>();
  return (p) => {
    const visible: number[] = [];
    parts.forEach((x, i) => {
      if (canSeeCall(p, x.call)) visible.push(i);
    });
    const gone: number[] = [];
    removed.forEach((call, i) => {
      // A call handed to another owner that this client still sees (a whole-tenant supervisor)
      // stays: it is in this frame's calls, and the pages apply `removed` after them.
      const stillSeen = visible.some(
        (j) => parts[j].call.callId === call.callId && parts[j].call.tenant === call.tenant,
      );
      if (canSeeCall(p, call) && !stillSeen) gone.push(i);
    });
    const key = `${visible.join(',')}|${gone.join(',')}`;
    let data = frames.get(key);
    if (data === undefined) {
      const removedJson = JSON.stringify(
        gone.map((i): RemovedCallView => ({ tenant: removed[i].tenant, callId: removed[i].callId })),
      );
      data =
        visible.length === 0 && gone.length === 0
          ? null
          : Buffer.from(
              `{"type":"state","calls":[${visible.map((i) => parts[i].json).join(',')}],"removed":${removedJson}}`,
            );
      frames.set(key, data);
    }
    return data;
  };
}
