// The alert-service's in-memory view of live calls: owner metadata (tenant, agent, team, queue),
// live state per speaker, recent alerts with their acknowledgements, and which calls changed since
// the last push. Bounded: ended and idle calls are purged. Calls are keyed by (tenant, call id)
// (services/shared/call-key.ts): the same client call id in two tenants is two calls, and a start
// record never changes another tenant's call. Pure (time passed in).
import type { CallOwner } from '../shared/auth/call-access.ts';
import {
  applyAlert,
  applyDynamics,
  applyEmotion,
  applyFeatures,
  newCallLive,
  type CallLive,
  type EmotionSample,
  type FeatureSample,
  type SpeakerLive,
  paceTooFast,
} from './live-state.ts';
import { DEFAULT_PACE_LINE, type PaceLineOf } from '../../pipelines/alerts/pace-line.ts';
import { agentTeamKey } from '../shared/auth/users.ts';
import { callKey } from '../shared/call-key.ts';
import type { AlertView, CallMeta, CallView, SpeakerView } from './protocol.ts';

export interface RegistryOptions {
  /** Agent id -> team, when the call record carries no team. */
  /** Team of an agent whose call start names none, by agentTeamKey(tenant, agentId). */
  teamOfAgent?: Map<string, string>;
  maxAlertsPerCall?: number;
  /** Recent alerts kept per tenant (the snapshot's list and what can be acknowledged). */
  maxRecentAlerts?: number;
  /** Ended calls stay on the wallboard this long. */
  endedRetentionMs?: number;
  /** Calls with no update for this long are dropped (a call end that never came). */
  idleMs?: number;
  /**
   * The clock `idleMs` is timed on (the service passes performance.now); the wall-clock `nowMs`
   * the registry is given when not set. On the wall clock a host stepped forward past `idleMs`
   * dropped every live call at the next push, and its next record brought it back with no agent.
   */
  idleClock?: () => number;
  /**
   * A purged ended call's records are ignored this long after its end (the last windows of a slow
   * worker; at a start, the fan-out's re-read of the last minutes, chosen by when the records were
   * produced, which for a worker behind is well after the end): each brought it back as a call in
   * progress with no agent, on the wallboard until the idle purge. Default 10 minutes.
   */
  endedRememberedMs?: number;
  /**
   * An erased call is remembered this long after its erasure (the store's clock), then forgotten,
   * so the set of a long-running process stays bounded. Kafka deletes whole segments: a record of
   * the alerts topic (7 days' retention, segments rolled every 7 days by default) can be read for
   * up to 14 days, and a restart re-reads it; forgotten at 7 days, a re-read erasure was dropped
   * before the catch-up reached the call's alerts, which came back (review). Default 30 days.
   */
  erasedRememberedMs?: number;
  /** Called for every purged call (ended and shown long enough, or idle) with its key: free its other state. */
  onPurged?: (key: string) => void;
  /**
   * The agent-too-fast rule's line in force for a call's tenant and queue, asked on each agent
   * window (the service passes the rules in force: pipelines/alerts/pace-line.ts). Default: the
   * default rule's line for every call.
   */
  paceLine?: PaceLineOf;
}

/** An erased call: its last owner and the alerts it had (ids and audiences only: no evidence kept). */
export interface ErasedCall {
  owner: { agentId: string; team: string };
  /** The owner each alert was fired to (absent in a test's hand-made record: the call's owner only). */
  alerts: { alertId: string; audience: string; agentId?: string; team?: string }[];
}

/** A purged call: its owner, so each client is told only of calls it could see. */
/**
 * `ended`: an ended call whose id a new call took (not the same call handed over), with the ids of
 * its own alerts (`endedCallAlertIds`): not those of calls before it under the id, which other
 * owners had (a page is told of the ended call's alerts by the ended call's owner).
 */
export type RemovedCall = CallOwner & { callId: string; ended?: true; endedCallAlertIds?: readonly string[] };

export interface CallRegistry {
  start(meta: CallMeta): void;
  end(tenant: string, callId: string, atMs: number): void;
  owner(tenant: string, callId: string): (CallOwner & { queue: string }) | undefined;
  /** Sets a live call's history line; returns the call, or undefined when it is gone or ended. */
  setHistory(tenant: string, callId: string, line: string): CallLive | undefined;
  emotion(tenant: string, callId: string, sample: EmotionSample, nowMs: number): void;
  features(tenant: string, callId: string, sample: FeatureSample, nowMs: number): void;
  dynamics(
    tenant: string,
    callId: string,
    sample: { talkRatioAgent: number; endMs: number; holdMs?: number; customerLineFaultMs?: number },
    nowMs: number,
  ): void;
  /** Records an alert; returns false when the id is already known (duplicate). */
  addAlert(view: AlertView): boolean;
  findAlert(alertId: string): AlertView | undefined;
  /** Marks an alert acknowledged; returns false when unknown or already acknowledged. */
  acknowledge(alertId: string, by: string, atMs: number): boolean;
  calls(): CallLive[];
  recentAlerts(): AlertView[];
  /**
   * Forgets a call whose customer the store erased: its live view and alerts go at once (the
   * call is returned, null when it was erased already), and whatever still arrives for it is
   * dropped. Remembered for `erasedRememberedMs` after `erasedAtMs`; the fan-out reads the erasures
   * again at each start.
   */
  erase(tenant: string, callId: string, erasedAtMs?: number): ErasedCall | null;
  isErased(tenant: string, callId: string): boolean;
  /** The call is here and has not ended (not merely remembered as ended, nor unknown). */
  inProgress(tenant: string, callId: string): boolean;
  /**
   * The alert was fired on an earlier call whose id a new call took (start after end): it is not
   * the new call's, so it does not follow the call to the new call's owner (hub-visibility.ts).
   */
  ofEarlierCall(alertId: string): boolean;
  /**
   * Calls changed since the last call, and calls gone from a client's sight: purged, or handed to
   * another agent or team by a resumed start (a transfer), named with the owner they had, so the
   * previous agent's and team's pages drop the tile (a page that still sees the call under its new
   * owner gets it in `changed` and keeps it: state-frames.ts).
   */
  takeChanges(nowMs: number): { changed: CallLive[]; removed: RemovedCall[] };
  size(): number;
}

function num(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null;
}

function speakerView(s: SpeakerLive): SpeakerView {
  return {
    state: s.state,
    arousal: num(s.arousal),
    valence: num(s.valence),
    pace: num(s.pace),
    paceTooFast: paceTooFast(s),
    paceLimit: s.paceLine?.limit ?? null,
    tension: num(s.tension),
    tensionRise: num(s.tensionRise),
    tensionFrom: s.tensionFrom,
    speaking: s.speaking,
  };
}

/** The view pushed to pages; `trendTail` limits the trend to its newest points (state frames). */
export function callView(c: CallLive, trendTail = Infinity): CallView {
  return {
    callId: c.callId,
    tenant: c.tenant,
    agentId: c.agentId,
    team: c.team,
    queue: c.queue,
    startedAtMs: c.startedAtMs,
    endedAtMs: c.endedAtMs,
    audioMs: c.audioMs,
    agent: speakerView(c.agent),
    customer: speakerView(c.customer),
    moodTrend: c.moodTrend
      .slice(-Math.min(trendTail, c.moodTrend.length))
      .map((v) => Math.round(v * 100) / 100),
    moodPoints: c.moodPoints,
    talkRatioAgent: c.talkRatioAgent === null ? null : num(c.talkRatioAgent),
    cue: c.cue,
    history: c.history,
    // A call that ended on hold (the customer hung up waiting) is ended, not on hold: its tile
    // kept "On hold" beside "call ended" (the agent view already put "ended" first).
    onHold: c.onHold && c.endedAtMs === null,
  };
}

/** Clock skew allowed between a call's start (gateway) and its alerts' firing (this service). */
const START_SKEW_MS = 60_000;
const firedBefore = (a: { firedAtMs: number }, startedAtMs: number) =>
  a.firedAtMs < startedAtMs - START_SKEW_MS;

export function createCallRegistry(options: RegistryOptions = {}): CallRegistry {
  const maxPerCall = options.maxAlertsPerCall ?? 50;
  const maxRecent = options.maxRecentAlerts ?? 300;
  const endedRetentionMs = options.endedRetentionMs ?? 60_000;
  const idleMs = options.idleMs ?? 10 * 60_000;
  /** Now on the idle clock, given now on the wall clock. */
  const idleNow = (wallMs: number): number => options.idleClock?.() ?? wallMs;
  const endedRememberedMs = options.endedRememberedMs ?? 10 * 60_000;
  const erasedRememberedMs = options.erasedRememberedMs ?? 30 * 24 * 3_600_000;
  const paceLine = options.paceLine ?? (() => DEFAULT_PACE_LINE);
  /** Calls erased in the store (their keys, when erased): nothing of them is kept or shown again. */
  const erasedCalls = new Map<string, number>();
  /** Purged ended calls by key: when each ended. */
  const endedCalls = new Map<string, number>();
  const calls = new Map<string, CallLive>();
  const lastUpdate = new Map<string, number>();
  const dirty = new Set<string>();
  /** Live calls whose owner a resumed start changed since the last takeChanges: their previous owner. */
  const handedOver: RemovedCall[] = [];
  const alerts = new Map<string, AlertView>();
  /** Newest first (by firing time), every tenant's. */
  const recent: AlertView[] = [];
  /**
   * Newest first (by firing time: a start re-reads va.alerts.v1 partition by partition, not in
   * time order, and evicting by arrival dropped some of the newest alerts), per tenant: the bound applies per tenant, so a tenant whose calls raise many
   * alerts never pushes another tenant's unacknowledged alerts out of the snapshot and out of reach
   * of an acknowledgement.
   */
  const recentOf = new Map<string, AlertView[]>();
  /** Alerts of an ended call whose id a new call took (ofEarlierCall). */
  const earlierCall = new Set<string>();
  /** Each kept call's first start time (not moved by a resumed start): older alerts are not its own. */
  const bornAt = new Map<string, number>();
  /**
   * Kept calls that took an ended call's id: when that call ended. An alert of the id fired by then
   * is the ended call's, however late it is read (a consumer catching up, another instance's
   * evaluator): within START_SKEW_MS it was taken as the new call's and sent to its agent (another
   * customer's). Not the new start: the gateway's clock may run ahead of this service's.
   */
  const tookIdAt = new Map<string, number>();

  /** Inserts newest first by firing time (a tie: the later arrival first). */
  function insertByTime(list: AlertView[], view: AlertView): void {
    const at = list.findIndex((a) => a.firedAtMs <= view.firedAtMs);
    if (at < 0) list.push(view);
    else list.splice(at, 0, view);
  }

  function forget(view: AlertView): void {
    alerts.delete(view.alertId);
    earlierCall.delete(view.alertId);
    const at = recent.indexOf(view);
    if (at >= 0) recent.splice(at, 1);
  }

  /** The live call of a record, or undefined when it ended and was purged (the record is late). */
  function live(tenant: string, callId: string, nowMs: number): CallLive | undefined {
    const key = callKey(tenant, callId);
    if (endedCalls.has(key) || erasedCalls.has(key)) return undefined;
    let call = calls.get(key);
    if (!call) {
      // Data before the call's start record: the tenant is known (every record carries it), the
      // agent and team are not yet, so only the tenant's unrestricted supervisors and admins see it.
      call = newCallLive({ callId, tenant, agentId: '', team: '', queue: '', startedAtMs: nowMs });
      calls.set(key, call);
    }
    lastUpdate.set(key, idleNow(nowMs));
    dirty.add(key);
    return call;
  }

  return {
    start(meta) {
      // A start after an end is a new call with the same id: nothing of the ended one is kept
      // (its end, states, trend and window numbers would hide the new call's first windows). A
      // start from before that end is the ended call's own, repeated (at-least-once): ignored.
      const key = callKey(meta.tenant, meta.callId);
      if (erasedCalls.has(key)) return; // the store drops a reused erased id too
      const endedAtMs = calls.get(key)?.endedAtMs ?? endedCalls.get(key);
      if (endedAtMs != null) {
        if (meta.startedAtMs <= endedAtMs) return;
        // Its alerts stay theirs (their owner, acknowledgements) but are not the new call's. Those
        // marked before are of calls before it (another owner's: a second reuse judged them by this
        // call's owner and sent its pages another agent's and team's alerts).
        // Not one fired after the new call started: a start's catch-up reads va.alerts.v1 and
        // va.calls.v1 in no set order, so the alerts of the calls after it may be here already
        // (marked, the live call's own were hidden from its agent and sent to this call's owner).
        const ownAlertIds: string[] = [];
        for (const a of recentOf.get(meta.tenant) ?? [])
          if (a.callId === meta.callId && !earlierCall.has(a.alertId) && a.firedAtMs <= meta.startedAtMs) {
            earlierCall.add(a.alertId);
            ownAlertIds.push(a.alertId);
          }
        // Its owner's pages still show it (ended): no purge names it any more, so they are told
        // now (clients that see the new call too keep it: state-frames.ts).
        const ended = calls.get(key);
        if (ended && (ended.agentId !== '' || ended.team !== ''))
          handedOver.push({
            callId: ended.callId,
            tenant: ended.tenant,
            agentId: ended.agentId,
            team: ended.team,
            ended: true,
            endedCallAlertIds: ownAlertIds,
          });
        calls.delete(key);
        endedCalls.delete(key);
        bornAt.delete(key);
        tookIdAt.set(key, endedAtMs);
      }
      if (!bornAt.has(key)) {
        // The call's first start: alerts of its id fired well before it are an earlier call's
        // (one ended and purged long ago is no longer in endedCalls). The margin allows for the
        // gateway's clock (start) against this service's (firing).
        bornAt.set(key, meta.startedAtMs);
        for (const a of recentOf.get(meta.tenant) ?? [])
          if (a.callId === meta.callId && firedBefore(a, meta.startedAtMs)) earlierCall.add(a.alertId);
      }
      const call = live(meta.tenant, meta.callId, meta.startedAtMs)!;
      const team = meta.team || options.teamOfAgent?.get(agentTeamKey(meta.tenant, meta.agentId)) || '';
      // A resumed start naming another agent or team (a transfer on the same call id): the call
      // moves to them, and the pages of the owner it had are told it is gone from them (they kept
      // a frozen live tile, its customer angry, until reloaded: transfer probe).
      if ((call.agentId !== '' || call.team !== '') && (call.agentId !== meta.agentId || call.team !== team))
        handedOver.push({ callId: call.callId, tenant: call.tenant, agentId: call.agentId, team: call.team });
      if (call.agentId !== '' && call.agentId !== meta.agentId && call.cue !== null) {
        // The previous agent's cue is theirs (hub-visibility.ts): not shown to the new agent.
        call.cue = null;
        call.cueAlertId = null;
        call.version += 1;
      }
      call.agentId = meta.agentId;
      call.team = team;
      call.queue = meta.queue;
      call.startedAtMs = meta.startedAtMs;
      lastUpdate.set(callKey(meta.tenant, meta.callId), idleNow(Date.now()));
    },
    end(tenant, callId, atMs) {
      const key = callKey(tenant, callId);
      const call = calls.get(key);
      if (!call || call.endedAtMs !== null) return;
      // An end stamped in the future (a clock gone wrong) counts as now: kept as stamped, the call
      // stayed on the wallboard and in memory for good (the purge waits for retention after it).
      call.endedAtMs = Math.min(atMs, Date.now());
      call.version += 1;
      dirty.add(key);
      lastUpdate.set(key, idleNow(atMs));
    },
    owner(tenant, callId) {
      return calls.get(callKey(tenant, callId));
    },
    setHistory(tenant, callId, line) {
      const key = callKey(tenant, callId);
      const call = calls.get(key);
      if (!call || call.endedAtMs !== null) return undefined;
      call.history = line;
      dirty.add(key);
      return call;
    },
    emotion(tenant, callId, sample, nowMs) {
      const call = live(tenant, callId, nowMs);
      if (call) applyEmotion(call, sample);
    },
    features(tenant, callId, sample, nowMs) {
      const call = live(tenant, callId, nowMs);
      // The queue the engine judges the call with: '' before its start (evaluator.ts).
      if (call) applyFeatures(call, sample, paceLine(call.tenant, call.queue));
    },
    dynamics(tenant, callId, sample, nowMs) {
      const call = live(tenant, callId, nowMs);
      if (call) applyDynamics(call, sample);
    },
    addAlert(view) {
      if (alerts.has(view.alertId) || erasedCalls.has(callKey(view.tenant, view.callId))) return false;
      alerts.set(view.alertId, view);
      const born = bornAt.get(callKey(view.tenant, view.callId));
      if (born !== undefined && firedBefore(view, born)) earlierCall.add(view.alertId);
      const took = tookIdAt.get(callKey(view.tenant, view.callId));
      if (took !== undefined && view.firedAtMs <= took) earlierCall.add(view.alertId);
      insertByTime(recent, view);
      let mine = recentOf.get(view.tenant);
      if (!mine) recentOf.set(view.tenant, (mine = []));
      insertByTime(mine, view);
      // The oldest by firing time goes; when that is this one (re-read late at a start), it is
      // not news to anyone.
      if (mine.length > maxRecent) {
        const oldest = mine.pop()!;
        forget(oldest);
        if (oldest === view) return false;
      }
      const ofCall = mine.filter((a) => a.callId === view.callId);
      if (ofCall.length > maxPerCall) {
        // The call's oldest goes from every list: a noisy call cannot fill its tenant's share.
        const oldest = ofCall[ofCall.length - 1];
        mine.splice(mine.indexOf(oldest), 1);
        forget(oldest);
        if (oldest === view) return false; // re-read late: not news, and not the call's cue
      }
      const key = callKey(view.tenant, view.callId);
      const call = calls.get(key);
      // An agent's own cue fired to another agent (before a transfer, re-read at a start) is not
      // the call's current cue for whoever has it now.
      const othersCue =
        view.audience === 'agent' &&
        view.agentId !== '' &&
        call?.agentId !== '' &&
        view.agentId !== call?.agentId;
      if (call && !othersCue && !earlierCall.has(view.alertId)) {
        applyAlert(call, {
          alertId: view.alertId,
          audience: view.audience as 'agent',
          cue: view.cue,
          audioMs: view.audioMs,
          severity: view.severity,
          subject: view.subject,
        });
        dirty.add(key);
      }
      return true;
    },
    findAlert(alertId) {
      return alerts.get(alertId);
    },
    acknowledge(alertId, by, atMs) {
      const view = alerts.get(alertId);
      if (!view || view.acknowledgedBy !== null) return false;
      view.acknowledgedBy = by;
      view.acknowledgedAtMs = atMs;
      return true;
    },
    calls() {
      return [...calls.values()];
    },
    recentAlerts() {
      return recent.filter((a) => alerts.has(a.alertId));
    },
    erase(tenant, callId, erasedAtMs = Date.now()) {
      const key = callKey(tenant, callId);
      if (erasedCalls.has(key)) return null;
      erasedCalls.set(key, erasedAtMs);
      const call = calls.get(key);
      const gone = (recentOf.get(tenant) ?? []).filter((a) => a.callId === callId);
      const mine = recentOf.get(tenant);
      for (const view of gone) {
        mine!.splice(mine!.indexOf(view), 1);
        forget(view);
      }
      calls.delete(key);
      bornAt.delete(key);
      tookIdAt.delete(key);
      lastUpdate.delete(key);
      dirty.delete(key);
      endedCalls.delete(key);
      const owner = call ?? gone[0];
      if (call) options.onPurged?.(key);
      return {
        owner: { agentId: owner?.agentId ?? '', team: owner?.team ?? '' },
        alerts: gone.map((a) => ({
          alertId: a.alertId,
          audience: a.audience,
          agentId: a.agentId,
          team: a.team,
        })),
      };
    },
    ofEarlierCall(alertId) {
      return earlierCall.has(alertId);
    },
    isErased(tenant, callId) {
      return erasedCalls.has(callKey(tenant, callId));
    },
    inProgress(tenant, callId) {
      const call = calls.get(callKey(tenant, callId));
      return call !== undefined && call.endedAtMs === null;
    },
    takeChanges(nowMs) {
      const seen = new Set<string>();
      const removed: RemovedCall[] = handedOver.splice(0, handedOver.length).filter((r) => {
        const k = `${callKey(r.tenant, r.callId)}\u0000${r.agentId}\u0000${r.team}`;
        return !seen.has(k) && (seen.add(k), true);
      });
      for (const [key, call] of calls) {
        const last = lastUpdate.get(key) ?? 0;
        const gone =
          call.endedAtMs !== null
            ? nowMs - call.endedAtMs > endedRetentionMs
            : idleNow(nowMs) - last > idleMs;
        if (gone) {
          if (call.endedAtMs !== null && nowMs - call.endedAtMs <= endedRememberedMs)
            endedCalls.set(key, call.endedAtMs);
          calls.delete(key);
          bornAt.delete(key);
          tookIdAt.delete(key);
          lastUpdate.delete(key);
          dirty.delete(key);
          removed.push({ callId: call.callId, tenant: call.tenant, agentId: call.agentId, team: call.team });
          options.onPurged?.(key);
        }
      }
      for (const [key, endedAtMs] of endedCalls)
        if (nowMs - endedAtMs > endedRememberedMs) endedCalls.delete(key);
      for (const [key, erasedAtMs] of erasedCalls)
        if (nowMs - erasedAtMs > erasedRememberedMs) erasedCalls.delete(key);
      const changed: CallLive[] = [];
      for (const key of dirty) {
        const call = calls.get(key);
        if (call) changed.push(call);
      }
      dirty.clear();
      return { changed, removed };
    },
    size() {
      return calls.size;
    },
  };
}
