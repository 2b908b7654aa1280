// What a client gets once authenticated: the welcome, the snapshot of the calls and recent alerts
// it may see, and, when it resumes on this instance, the alerts and acknowledgements it missed
// (from the replay buffer) instead of the recent alerts. Writes to the one client only.
import type { Principal } from '../shared/auth/roles.ts';
import type { CallRegistry } from './call-registry.ts';
import { frame, type Client, type ClientOutput } from './hub-client.ts';
import { seesAlert, visibleCalls } from './hub-visibility.ts';
import type { AckView, AlertView } from './protocol.ts';
import type { ReplayBuffer } from './replay-buffer.ts';

export type Replayed = { kind: 'alert'; alert: AlertView } | { kind: 'ack'; ack: AckView; alert: AlertView };

export interface Resume {
  instanceId: string;
  lastSeq: number;
}

export interface SnapshotSource {
  registry: CallRegistry;
  replay: ReplayBuffer<Replayed>;
  output: ClientOutput;
  instanceId: string;
  heartbeatMs: number;
  now: () => number;
}

export function sendWelcome(
  src: SnapshotSource,
  client: Client,
  verified: { principal: Principal; displayName: string },
  resume: Resume | undefined,
): void {
  const { registry, replay, output } = src;
  const p = verified.principal;
  output.send(
    client,
    frame({
      type: 'welcome',
      user: { ...p, displayName: verified.displayName },
      instanceId: src.instanceId,
      heartbeatMs: src.heartbeatMs,
      serverTimeMs: src.now(),
    }),
  );
  const missed = resume && resume.instanceId === src.instanceId ? replay.since(resume.lastSeq) : null;
  const alerts = missed ? [] : registry.recentAlerts().filter((a) => seesAlert(registry, p, a));
  const snapshot = frame({
    type: 'snapshot',
    seq: replay.lastSeq(),
    calls: visibleCalls(registry, p),
    alerts,
  });
  output.sendSnapshot(client, snapshot);
  if (!missed || !resume) return;
  let replayed = 0;
  for (const { item } of missed) {
    if (!seesAlert(registry, p, item.alert)) continue;
    replayed += 1;
    output.send(
      client,
      item.kind === 'alert'
        ? frame({ type: 'alert', alert: item.alert })
        : frame({ type: 'ack', ack: item.ack }),
    );
  }
  output.send(client, frame({ type: 'resumed', fromSeq: resume.lastSeq, replayed }));
}
