// The hub's pushes to many clients: new alerts, acknowledgements, erasures and transfers (numbered
// into their tenant's replay log), a call's history line, the periodic state push of changed calls and the heartbeat
// that drops clients which stopped answering pings. Each frame is encoded once for all clients.
// I/O: the clients' sockets (through ClientOutput), two interval timers.
import { WebSocket } from 'ws';
import type { CallRegistry } from './call-registry.ts';
import { frame, type Client, type ClientOutput } from './hub-client.ts';
import type { HubEmit } from './hub-options.ts';
import type { Replayed } from './hub-snapshot.ts';
import {
  endedCallAlerts,
  erasedViewFor,
  hadEndedCallAlert,
  reusedEntry,
  seesAlert,
} from './hub-visibility.ts';
import type { AckView, AlertView, ErasedReason, ErasedView } from './protocol.ts';
import type { TenantReplay } from './tenant-replay.ts';
import { createStateFrames } from './state-frames.ts';
import { createHandoverAlerts, handoversOf } from './hub-handover.ts';

/** Clients served per slice of a state push before yielding to the event loop. */
const STATE_CHUNK = 200;

export interface BroadcasterOptions {
  clients: Set<Client>;
  registry: CallRegistry;
  replay: TenantReplay<Replayed>;
  output: ClientOutput;
  emit: HubEmit;
  /** An alert reached its first client on this instance (for the raised-to-pushed latency). */
  onAlertPushed?: (alert: AlertView) => void;
  now: () => number;
  heartbeatMs: number;
  stateIntervalMs: number;
}

export interface Broadcaster {
  publishAlert(view: Omit<AlertView, 'seq'>): boolean;
  publishAck(ack: Omit<AckView, 'seq'>): boolean;
  publishHistory(tenant: string, callId: string, line: string): boolean;
  /** Forgets a call whose customer was erased and tells the clients that could see it; idempotent. */
  eraseCall(tenant: string, callId: string, erasedAtMs: number | undefined, reason: ErasedReason): boolean;
  /** Stops the state push and the heartbeat. */
  stop(): void;
}

export function createBroadcaster(o: BroadcasterOptions): Broadcaster {
  const { clients, registry, replay, output, emit, now } = o;

  /** Sends the frame built for each authenticated client's principal (null: nothing for it). */
  function sendPerPrincipal(frameFor: ReturnType<typeof createStateFrames>, client: Client): void {
    const data = client.principal ? frameFor(client.principal) : null;
    if (data) output.send(client, data);
  }

  async function pushState(): Promise<void> {
    const { changed, removed } = registry.takeChanges(now());
    if (changed.length === 0 && removed.length === 0) return;
    const frameFor = createStateFrames({ changed, removed });
    const handedOver = createHandoverAlerts(registry, { changed, removed });
    // Numbered, so a page away meanwhile gets the call's earlier alerts at its resume (hub-handover.ts).
    // Only a call with alerts: a transfer of one without has nothing for a resume to send, and
    // numbered it took a place in the log (a burst of them pushed the pages' numbers out of it,
    // and each page away meanwhile got a full snapshot).
    const handovers = handoversOf({ changed, removed });
    // An ended call's id taken by a new call: numbered too, so a page that was away then (and so
    // never saw the call end) is told at its resume which alerts it holds are the ended call's.
    const reused = removed.flatMap((r) => (r.ended ? [reusedEntry(r)] : []));
    if (handovers.length > 0) {
      const withAlerts = new Set(registry.recentAlerts().map((a) => `${a.tenant}\u0000${a.callId}`));
      for (const handover of handovers)
        if (withAlerts.has(`${handover.tenant}\u0000${handover.callId}`))
          replay.of(handover.tenant).append({ kind: 'handover', handover });
    }
    for (const r of reused) if (r.alertIds.length > 0) replay.of(r.tenant).append(r);
    // The ended call's alerts, marked, to the pages that had them, live too: an end and the next
    // start within one push (a consumer catching up) never show a page the call ended, and a page
    // that still sees the id kept them on the new call (the wallboard's tile, the agent's list).
    const earlier = reused.flatMap((r) => endedCallAlerts(registry, r).map((a) => ({ a, lastOwner: r })));
    let sent = 0;
    for (const client of [...clients]) {
      // Yield every few hundred clients so an alert arriving meanwhile is not held up.
      if (++sent % STATE_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      sendPerPrincipal(frameFor, client);
      if (client.principal) {
        for (const alert of handedOver(client.principal))
          output.send(client, frame({ type: 'alert', alert, handedOver: true }));
        const p = client.principal;
        for (const { a, lastOwner } of earlier)
          if (hadEndedCallAlert(p, a, lastOwner))
            output.send(client, frame({ type: 'alert', alert: { ...a, earlierCall: true } }));
      }
    }
  }

  let pushingState = false;
  const stateTimer = setInterval(() => {
    if (pushingState) return; // the previous push is still yielding: skip a beat, never pile up
    pushingState = true;
    void pushState().finally(() => (pushingState = false));
  }, o.stateIntervalMs);
  stateTimer.unref();

  const heartbeatTimer = setInterval(() => {
    const beat = frame({ type: 'heartbeat', serverTimeMs: now() });
    for (const client of clients) {
      if (client.closing) continue;
      if (!client.alive) {
        // No pong since the last ping: the client stopped reading (or the network is gone).
        output.dropSlow(client, 'no pong within the heartbeat interval: client not reading');
        continue;
      }
      client.alive = false;
      if (client.ws.readyState === WebSocket.OPEN) client.ws.ping();
      if (client.principal || client.awaitingRebuild) output.send(client, beat);
    }
  }, o.heartbeatMs);
  heartbeatTimer.unref();

  return {
    publishAlert(view) {
      const log = replay.of(view.tenant);
      const full: AlertView = { ...view, seq: log.lastSeq() + 1 };
      if (!registry.addAlert(full)) return false;
      log.append({ kind: 'alert', alert: full });
      // Marked as a snapshot and a replay list it: an ended call's read after its id was taken.
      const text = frame({
        type: 'alert',
        alert: registry.ofEarlierCall(full.alertId) ? { ...full, earlierCall: true } : full,
      });
      let pushed = 0;
      for (const client of clients) {
        // Counted when sent: a closing socket or a client dropped as too slow got nothing.
        if (client.principal && seesAlert(registry, client.principal, full) && output.send(client, text)) {
          emit('alert_pushed');
          pushed += 1;
        }
      }
      if (pushed > 0) o.onAlertPushed?.(full);
      return true;
    },
    publishAck(ack) {
      if (!registry.acknowledge(ack.alertId, ack.acknowledgedBy, ack.acknowledgedAtMs)) return false;
      const alert = registry.findAlert(ack.alertId)!;
      const log = replay.of(alert.tenant);
      const full: AckView = { ...ack, seq: log.lastSeq() + 1 };
      log.append({ kind: 'ack', ack: full, alert });
      emit('ack');
      const text = frame({ type: 'ack', ack: full });
      for (const client of clients)
        if (client.principal && seesAlert(registry, client.principal, alert)) output.send(client, text);
      return true;
    },
    publishHistory(tenant, callId, line) {
      // Not through the next state push (up to ALERT_STATE_INTERVAL_MS later): the line is most
      // useful before the agent says hello. A state frame of this call alone, so a page that has
      // not got the call yet shows it at once, with its line.
      const call = registry.setHistory(tenant, callId, line);
      if (!call) return false;
      const frameFor = createStateFrames({ changed: [call], removed: [] });
      for (const client of clients) sendPerPrincipal(frameFor, client);
      emit('history_pushed');
      return true;
    },
    eraseCall(tenant, callId, erasedAtMs, reason) {
      const erased = registry.erase(tenant, callId, erasedAtMs);
      if (!erased) return false;
      const log = replay.of(tenant);
      const view: ErasedView = { seq: log.lastSeq() + 1, tenant, callId, alertIds: [], reason };
      log.append({ kind: 'erased', erased: view, call: erased });
      emit('call_erased');
      for (const client of clients) {
        const mine = client.principal ? erasedViewFor(client.principal, view, erased) : null;
        if (mine) output.send(client, frame({ type: 'erased', erased: mine }));
      }
      return true;
    },
    stop() {
      clearInterval(stateTimer);
      clearInterval(heartbeatTimer);
    },
  };
}
