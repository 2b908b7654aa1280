// The routing-hint engine: per call, the reasons the rules found (from the customer's history at
// call start, from frustration alerts and from the customer's recent emotions), combined into one
// risk (noisy-OR: 1 − Π(1 − riskᵢ), so independent reasons add up without passing 1) and the
// suggestion of the strongest reason. A hint is made when a reason first holds and the risk rose
// by the rule set's minRiskRise since the call's last hint (the first hint: any reason). Ids and
// expiry derive from the triggering record, so a replay makes the same hints. Pure, no I/O.
import type { CustomerHistory, RoutingHint, RoutingRule, RoutingRuleSet } from './types.ts';
import { nextPlace, WindowJumpError, type WindowPlace } from '../window-place.ts';

export interface CallStartInput {
  tenant: string;
  callId: string;
  customerRef: string;
  agentId: string;
  queue: string;
  /** Wall clock of the call start (Unix ms). */
  startedAtMs: number;
}

export interface EmotionInput {
  tenant: string;
  callId: string;
  channel: string;
  windowIndex: number;
  startMs: number;
  state: string;
  /** Wall clock the event was produced (Unix ms). */
  producedAtMs: number;
  /** The gateway's arrival clock of the window's audio (Unix ms; 0 or absent = unknown). */
  arrivalMs?: number;
}

export interface AlertInput {
  tenant: string;
  callId: string;
  ruleId: string;
  state: string;
  windowIndex: number;
  audioMs: number;
  message: string;
  firedAtMs: number;
}

interface Reason {
  ruleId: string;
  risk: number;
  suggested: RoutingRule['suggested'];
  text: string;
  /** Found in the customer's history at the call's start (a call-start rule), not live. */
  fromHistory: boolean;
}

interface CallState {
  call: CallStartInput;
  /** Its start was read here (else `call` is what the directory knows, or blank). */
  started: boolean;
  reasons: Reason[];
  lastHintRisk: number | null;
  /** Recent customer windows (index, start ms, state), oldest first, one per window index. */
  windows: { windowIndex: number; startMs: number; state: string }[];
  /** The customer's latest window by start: where the next may be (options.windowJump). */
  last: WindowPlace | null;
}

export interface RoutingEngine {
  setRules(rules: RoutingRuleSet): void;
  start(call: CallStartInput, history: CustomerHistory | null): RoutingHint | null;
  emotion(event: EmotionInput): RoutingHint | null;
  alert(alert: AlertInput): RoutingHint | null;
  end(tenant: string, callId: string): void;
  /**
   * Drops the call's reasons found in the customer's history: the customer opted out of history
   * mid-call ("live hints only"), so the reason must not weigh in a later hint's risk or text.
   */
  dropHistory(tenant: string, callId: string): void;
  /**
   * Frees a call that went quiet (no record for the service's idle time; its end never came) at
   * `atMs` (Unix ms): as `end` for every record made until then (a late or replayed one makes no
   * hint and no state), but a record made after it opens the call again: the call lives on (its
   * records are judged by another instance, or a new start reused the id).
   */
  expire(tenant: string, callId: string, atMs: number): void;
  /**
   * Drops the state of these calls (`${tenant}/${callId}`) without ending them: their partitions
   * were revoked, and a replay from the held commit builds the state again.
   */
  forget(keys: Iterable<string>): void;
  /** Whether the engine holds state of this live call (not ended, not forgotten). */
  has(tenant: string, callId: string): boolean;
  /** Whether the call ended (among the recently ended calls the engine remembers). */
  hasEnded(tenant: string, callId: string): boolean;
  size(): number;
}

export interface RoutingEngineOptions {
  /** Calls kept at most (the oldest state goes first). */
  maxCalls?: number;
  /**
   * Who a call is (customer, agent, queue) when its start was read elsewhere: another instance's
   * partition, or before a restart. Asked whenever the engine knows the call without its start.
   */
  callOf?: (tenant: string, callId: string) => CallStartInput | undefined;
  /**
   * Why a window cannot follow the customer's newest one (services/shared/audio-pace.ts), or null:
   * one window an hour ahead moved the call's horizon past every real window, so its hints stopped.
   * Such a window throws WindowJumpError (dead-lettered) and changes nothing.
   */
  windowJump?: (prev: WindowPlace, next: WindowPlace) => string | null;
}

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => String(values[name] ?? ''));

export function combinedRisk(risks: readonly number[]): number {
  return 1 - risks.reduce((p, r) => p * (1 - r), 1);
}

function historyMatches(rule: RoutingRule, history: CustomerHistory): boolean {
  if (!('history' in rule.when)) return false;
  const h = rule.when.history;
  if (h.minCalls !== undefined && history.callsInWindow < h.minCalls) return false;
  if (h.minEscalations !== undefined && history.escalations < h.minEscalations) return false;
  if (
    h.lastEndState !== undefined &&
    (history.lastEndState === null || !h.lastEndState.includes(history.lastEndState))
  )
    return false;
  return true;
}

export function createRoutingEngine(
  initial: RoutingRuleSet,
  options: RoutingEngineOptions = {},
): RoutingEngine {
  const maxCalls = options.maxCalls ?? 100_000;
  let rules = initial;
  const calls = new Map<string, CallState>();
  /** Recently ended calls (insertion order, bounded): their late records make no hint. */
  const ended = new Set<string>();
  /** Recently expired (idle) calls, when each was freed (insertion order, bounded). */
  const expired = new Map<string, number>();
  const keyOf = (tenant: string, callId: string) => `${tenant}/${callId}`;
  /**
   * Whether a record made at `atMs` belongs to the call as it was before it ended or expired: no
   * hint, no state. A record of an expired call made after the expiry opens it again.
   */
  const closed = (key: string, atMs: number): boolean => {
    if (ended.has(key)) return true;
    const freedAtMs = expired.get(key);
    if (freedAtMs === undefined) return false;
    if (atMs <= freedAtMs) return true;
    expired.delete(key);
    return false;
  };
  const longestWithinMs = () =>
    Math.max(0, ...rules.rules.map((r) => ('withinMs' in r.when ? r.when.withinMs : 0)));

  function stateOf(tenant: string, callId: string): CallState {
    const key = keyOf(tenant, callId);
    let state = calls.get(key);
    if (!state) {
      if (calls.size >= maxCalls) calls.delete(calls.keys().next().value as string);
      state = {
        call: { tenant, callId, customerRef: '', agentId: '', queue: '', startedAtMs: 0 },
        started: false,
        reasons: [],
        lastHintRisk: null,
        windows: [],
        last: null,
      };
      calls.set(key, state);
    }
    // A record before (or without) its call start here: who the call is comes from the directory
    // (else the hint lacks the customer reference).
    if (!state.started) {
      const known = options.callOf?.(tenant, callId);
      if (known) state.call = known;
    }
    return state;
  }

  /** Adds the matched reasons; returns a hint when the risk rose enough. */
  function decide(
    state: CallState,
    matched: { rule: RoutingRule; text: string }[],
    trigger: { kind: 'call-start' | 'live'; tag: string; atMs: number; audioMs: number },
  ): RoutingHint | null {
    const fresh = matched.filter((m) => !state.reasons.some((r) => r.ruleId === m.rule.id));
    if (fresh.length === 0) return null;
    for (const m of fresh)
      state.reasons.push({
        ruleId: m.rule.id,
        risk: m.rule.risk,
        suggested: m.rule.suggested,
        text: m.text,
        fromHistory: trigger.kind === 'call-start',
      });
    const risk = combinedRisk(state.reasons.map((r) => r.risk));
    if (state.lastHintRisk !== null && risk < state.lastHintRisk + rules.minRiskRise) return null;
    state.lastHintRisk = risk;
    const strongest = state.reasons.reduce((best, r) => (r.risk > best.risk ? r : best));
    const ttlMs = Math.max(...fresh.map((m) => m.rule.ttlMs));
    const { call } = state;
    return {
      hintId: `${call.tenant}/${call.callId}:routing:${trigger.kind}:${fresh[0].rule.id}:${trigger.tag}`,
      tenant: call.tenant,
      callId: call.callId,
      customerRef: call.customerRef,
      risk: Math.round(risk * 1000) / 1000,
      reasons: state.reasons.map((r) => r.text),
      suggested: strongest.suggested,
      expiresAtMs: trigger.atMs + ttlMs,
      trigger: trigger.kind,
      ruleIds: state.reasons.map((r) => r.ruleId),
      audioMs: trigger.audioMs,
      producedAtMs: trigger.atMs,
      agentId: call.agentId,
      queue: call.queue,
    };
  }

  return {
    setRules(next) {
      rules = next;
    },
    size: () => calls.size,
    start(call, history) {
      const key = keyOf(call.tenant, call.callId);
      // A start replayed or late after the call expired holds nothing again.
      if (!ended.has(key) && closed(key, call.startedAtMs)) return null;
      // A client may reuse a call id after its end: a new start opens the call again.
      ended.delete(key);
      const state = stateOf(call.tenant, call.callId);
      state.call = call;
      state.started = true;
      if (!history) return null;
      const matched = rules.rules
        .filter((r) => r.on === 'call-start' && historyMatches(r, history))
        .map((rule) => ({
          rule,
          text: fill(rule.reason, {
            calls: history.callsInWindow,
            days: history.windowDays,
            lastEndState: history.lastEndState ?? 'unknown',
            escalations: history.escalations,
          }),
        }));
      return decide(state, matched, { kind: 'call-start', tag: 'start', atMs: call.startedAtMs, audioMs: 0 });
    },
    emotion(event) {
      if (event.channel !== 'customer' || closed(keyOf(event.tenant, event.callId), event.producedAtMs))
        return null;
      const state = stateOf(event.tenant, event.callId);
      const place: WindowPlace = {
        windowIndex: event.windowIndex,
        startMs: event.startMs,
        arrivalMs: event.arrivalMs ?? 0,
      };
      // Judged against the latest window by start, which sets the horizon (whatever its index).
      const newest = state.last === null || event.startMs > state.last.startMs;
      const jump = newest && state.last && options.windowJump?.(state.last, place);
      if (jump) throw new WindowJumpError(jump);
      // A replayed window (the classifier re-reads after a crash or rebalance) counts once.
      if (!insertWindow(state.windows, event)) return null;
      if (newest) state.last = nextPlace(state.last, place);
      // Shares are of the call's latest windows, also when a late window arrives out of order.
      const latestMs = state.windows[state.windows.length - 1].startMs;
      const horizon = latestMs - longestWithinMs();
      while (state.windows.length > 0 && state.windows[0].startMs < horizon) state.windows.shift();
      const matched = rules.rules.flatMap((rule) => {
        if (rule.on !== 'emotion' || !('states' in rule.when)) return [];
        const { states, minShare, withinMs, minWindows } = rule.when;
        const recent = state.windows.filter(
          (w) => w.startMs > latestMs - withinMs && w.state !== 'no-speech',
        );
        if (recent.length < minWindows) return [];
        const share = recent.filter((w) => states.includes(w.state)).length / recent.length;
        if (share < minShare) return [];
        return [
          { rule, text: fill(rule.reason, { sharePct: Math.round(share * 100), withinS: withinMs / 1000 }) },
        ];
      });
      return decide(state, matched, {
        kind: 'live',
        tag: `w${event.windowIndex}`,
        atMs: event.producedAtMs,
        audioMs: event.startMs,
      });
    },
    alert(alert) {
      if (alert.state !== 'fired' || closed(keyOf(alert.tenant, alert.callId), alert.firedAtMs)) return null;
      const state = stateOf(alert.tenant, alert.callId);
      const matched = rules.rules
        .filter((r) => r.on === 'alert' && 'alertRule' in r.when && r.when.alertRule.includes(alert.ruleId))
        .map((rule) => ({ rule, text: fill(rule.reason, { alertMessage: alert.message }) }));
      return decide(state, matched, {
        kind: 'live',
        tag: `a${alert.windowIndex}`,
        atMs: alert.firedAtMs,
        audioMs: alert.audioMs,
      });
    },
    has: (tenant, callId) => calls.has(keyOf(tenant, callId)),
    hasEnded: (tenant, callId) => ended.has(keyOf(tenant, callId)),
    forget(keys) {
      for (const key of keys) calls.delete(key);
    },
    dropHistory(tenant, callId) {
      const state = calls.get(keyOf(tenant, callId));
      if (!state || !state.reasons.some((r) => r.fromHistory)) return;
      state.reasons = state.reasons.filter((r) => !r.fromHistory);
      // The next hint is measured from what is left (none left: the next reason hints at once, as
      // a first one), not from a risk the history raised.
      state.lastHintRisk = state.reasons.length > 0 ? combinedRisk(state.reasons.map((r) => r.risk)) : null;
    },
    end(tenant, callId) {
      const key = keyOf(tenant, callId);
      calls.delete(key);
      expired.delete(key);
      ended.add(key);
      if (ended.size > maxCalls) ended.delete(ended.values().next().value as string);
    },
    expire(tenant, callId, atMs) {
      const key = keyOf(tenant, callId);
      calls.delete(key);
      if (ended.has(key)) return;
      expired.delete(key); // the newest last, so the oldest goes beyond the bound
      expired.set(key, atMs);
      if (expired.size > maxCalls) expired.delete(expired.keys().next().value as string);
    },
  };
}

/**
 * Files a window in start order; false when its index is already there (a replay: the id, and so
 * the window, is the same). Windows mostly arrive in order, so the search runs from the end.
 */
function insertWindow(
  windows: CallState['windows'],
  event: { windowIndex: number; startMs: number; state: string },
): boolean {
  if (windows.some((w) => w.windowIndex === event.windowIndex)) return false;
  let at = windows.length;
  while (at > 0 && windows[at - 1].startMs > event.startMs) at -= 1;
  windows.splice(at, 0, { windowIndex: event.windowIndex, startMs: event.startMs, state: event.state });
  return true;
}
