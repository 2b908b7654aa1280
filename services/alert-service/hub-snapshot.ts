// What a client gets once authenticated: the welcome, the snapshot of the calls and recent alerts
// it may see, and, when it resumes on this instance, what it missed (from its tenant's replay log:
// alerts, acknowledgements, erasures, and the earlier alerts of calls handed to it meanwhile)
// instead of the recent alerts. Writes to the one client only.
import { canSeeCall } from '../shared/auth/call-access.ts';
import type { Principal } from '../shared/auth/roles.ts';
import type { CallRegistry, ErasedCall } from './call-registry.ts';
import { frame, type Client, type ClientOutput } from './hub-client.ts';
import {
  endedCallAlerts,
  erasedViewFor,
  hadEndedCallAlert,
  seesAlert,
  visibleCalls,
  type ReusedCall,
} from './hub-visibility.ts';
import type { AckView, AlertView, ErasedView } from './protocol.ts';
import { resumedHandoverAlerts, type Handover } from './hub-handover.ts';
import type { TenantReplay } from './tenant-replay.ts';

/** The alert as a snapshot or replay sends it: marked when a later call took its call's id. */
const asListed = (registry: CallRegistry, a: AlertView): AlertView =>
  registry.ofEarlierCall(a.alertId) ? { ...a, earlierCall: true } : a;

export type Replayed =
  | { kind: 'alert'; alert: AlertView }
  | { kind: 'ack'; ack: AckView; alert: AlertView }
  | { kind: 'erased'; erased: ErasedView; call: ErasedCall }
  /** A call moved to another agent or team (hub-handover.ts); sends nothing by itself. */
  | { kind: 'handover'; handover: Handover }
  /** A new call took an ended call's id: at a resume, the ended call's alerts are sent marked. */
  | ReusedCall;

/**
 * A resume that missed more of its tenant's log than this gets the full snapshot (what a reload
 * gets, at most the tenant's newest 300 alerts) instead of the replay: replaying a full log (5 000
 * entries by default, ALERT_REPLAY_CAPACITY) cost ~16 times a snapshot, and ten sockets of one
 * user resuming from its start held the event loop of every tenant's pages for 650-950 ms.
 */
export const MAX_RESUME_ENTRIES = 300;

export interface Resume {
  instanceId: string;
  lastSeq: number;
}

export interface SnapshotSource {
  registry: CallRegistry;
  replay: TenantReplay<Replayed>;
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
  // Numbers count the principal's tenant only (tenant-replay.ts). An admin of every tenant has no
  // one log to resume from: it gets the full snapshot each time, numbered 0.
  const log = p.tenant === '*' ? null : replay.of(p.tenant);
  const since = log && resume && resume.instanceId === src.instanceId ? log.since(resume.lastSeq) : null;
  const missed = since && since.length <= MAX_RESUME_ENTRIES ? since : null;
  const alerts = missed
    ? []
    : registry
        .recentAlerts()
        .filter((a) => seesAlert(registry, p, a))
        .map((a) => asListed(registry, a));
  const snapshot = frame({
    type: 'snapshot',
    seq: log ? log.lastSeq() : 0,
    full: !missed,
    calls: visibleCalls(registry, p),
    alerts,
  });
  output.sendSnapshot(client, snapshot);
  if (!missed || !resume) return;
  let replayed = 0;
  // First, so the page lists them below what the replay brings (newest first, as a reload does),
  // and an acknowledgement replayed since finds its alert.
  const handovers = missed.flatMap(({ item }) => (item.kind === 'handover' ? [item.handover] : []));
  for (const alert of resumedHandoverAlerts(registry, p, handovers, resume.lastSeq)) {
    replayed += 1;
    output.send(client, frame({ type: 'alert', alert, handedOver: true }));
  }
  // The ended calls whose id a new call took while the page was away: the ones it was sent, marked
  // (a page that did not see the call end would list them under the new call, another customer's).
  // Each judged by its own call's last owner (the alerts a transfer handed to `p` were sent too):
  // an id taken twice meanwhile has two ended calls, each its own owner's.
  for (const { item } of missed) {
    if (item.kind !== 'reused' || item.tenant !== p.tenant) continue;
    for (const a of endedCallAlerts(registry, item))
      if (a.seq <= resume.lastSeq && hadEndedCallAlert(p, a, item)) {
        replayed += 1;
        output.send(client, frame({ type: 'alert', alert: { ...a, earlierCall: true } }));
      }
  }
  for (const { item } of missed) {
    if (item.kind === 'handover' || item.kind === 'reused') continue;
    if (item.kind === 'erased') {
      const view = erasedViewFor(p, item.erased, item.call);
      if (!view) continue;
      replayed += 1;
      output.send(client, frame({ type: 'erased', erased: view }));
      continue;
    }
    // An alert of a call erased since: not sent again (its erasure follows in the log anyway).
    if (registry.isErased(item.alert.tenant, item.alert.callId) || !seesAlert(registry, p, item.alert))
      continue;
    replayed += 1;
    output.send(
      client,
      item.kind === 'alert'
        ? frame({
            type: 'alert',
            alert: asListed(registry, item.alert),
            // Fired to an owner `p` does not see (p sees it as the call's owner now): a transfer
            // brought it, as it brings the earlier ones above.
            ...(canSeeCall(p, item.alert) ? {} : { handedOver: true as const }),
          })
        : frame({ type: 'ack', ack: item.ack }),
    );
  }
  output.send(client, frame({ type: 'resumed', fromSeq: resume.lastSeq, replayed }));
}
