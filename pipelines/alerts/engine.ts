// The rules engine: feeds emotion events, speaker feature windows and call dynamics through the
// rule set and returns the alerts they complete, with minimum duration, dedupe, cooldown,
// escalation and prior-condition (recovery) logic. Deterministic in audio time. Pure, no I/O.
import { evaluate, spanOf } from './conditions.ts';
import { formatValue, metricOf } from './metrics.ts';
import { maxLookbackMs } from './rule-config.ts';
import type { AlertEvent, AlertRule, CallScope, Observation, RuleSet, Severity, Subject } from './types.ts';
import { nextPlace, WindowJumpError, type WindowPlace } from '../window-place.ts';
import { newTensionBaseline, tensionRise, type TensionBaseline } from './tension-rise.ts';
import { agentLegAfter, isNewAgentLeg, UNKNOWN_AGENT_LEG } from '../agent-leg.ts';
import { inScope, tenantInScope } from './rule-scope.ts';
import { endsEarlierAlerts } from './recovery-rule.ts';
import { pausedByLineFault } from './line-fault-pause.ts';

export interface AlertEngineOptions {
  rules: RuleSet;
  /** A features window counts as speech from this speech fraction on (default ENGINE_MIN_SPEECH_FRACTION). */
  minSpeechFraction?: number;
  /**
   * Why a window cannot follow its stream's previous one (it jumps too far ahead), or null. A
   * window taken that far ahead would make every later window of the stream a replay: the engine
   * refuses it (WindowJumpError, dead-lettered) and the stream goes on. The services pass the
   * gateway-clock rule of services/shared/audio-pace.ts.
   */
  windowJump?: (prev: WindowPlace, next: WindowPlace) => string | null;
}

export { WindowJumpError };

/** A features window counts as speech from this speech fraction on, unless the options say otherwise. */
export const ENGINE_MIN_SPEECH_FRACTION = 0.2;

export interface AlertEngine {
  /** Returns the alerts this observation completes. Replays (window index not newer) return []. */
  push(obs: Observation): AlertEvent[];
  /** Frees a call's state (call end, idle timeout, partition revoked). */
  endCall(callId: string): void;
  /** Swaps the rule set; per-call state of rules that keep their id is kept. */
  setRules(rules: RuleSet): void;
  callCount(): number;
}

interface StreamState {
  lastWindowIndex: number;
  last: WindowPlace | null;
  history: Observation[];
  /** A speaker's tension at the call start (features streams), or at their leg's start (agent). */
  tension: TensionBaseline;
  /** The agent leg the tension baseline was learnt in (features stream of the agent; 0 = unknown). */
  agentLeg: number;
}

interface RuleState {
  heldMs: number;
  runStartMs: number;
  lastHoldEndMs: number;
  /** Fired and still holding: the same episode does not fire twice (dedupe). */
  active: boolean;
  lastFiredMs: number;
  firedAlertId: string;
  escalated: boolean;
  priorHeldMs: number;
  priorLastEndMs: number;
  priorSatisfiedEndMs: number;
  priorEvidence: string[];
}

interface CallState {
  streams: Map<string, StreamState>;
  rules: Map<string, RuleState>;
  /** The call's tenant and queue as last seen: which rules still judge it after a reload. */
  scope: CallScope | undefined;
}

interface TenantIndex {
  streams: Map<string, AlertRule[]>;
  keepMs: number;
}
const NO_RULES: readonly AlertRule[] = [];

const SEVERITY_ORDER: readonly Severity[] = ['info', 'warning', 'critical'];

function subjectOf(obs: Observation): Subject {
  return obs.source === 'dynamics' ? 'call' : obs.channel;
}

function newRuleState(): RuleState {
  return {
    heldMs: 0,
    runStartMs: -1,
    lastHoldEndMs: -1,
    active: false,
    lastFiredMs: -Infinity,
    firedAlertId: '',
    escalated: false,
    priorHeldMs: 0,
    priorLastEndMs: -1,
    priorSatisfiedEndMs: -1,
    priorEvidence: [],
  };
}

function resetRun(st: RuleState): void {
  st.heldMs = 0;
  st.runStartMs = -1;
  st.lastHoldEndMs = -1;
  st.active = false;
  st.escalated = false;
}

/** New audio covered by a window given the end of the previous counted window (windows overlap). */
function coverage(startMs: number, endMs: number, lastEndMs: number): number {
  return Math.max(0, endMs - (lastEndMs >= 0 ? Math.max(startMs, lastEndMs) : startMs));
}

/**
 * The longest alert message (a rule's template is at most 500 characters; its placeholders, the
 * evidence above all, can fill it past that). Every consumer of va.alerts.v1 refuses a longer one
 * (services/shared/records.ts): cut here, at the source, with an ellipsis.
 */
export const MAX_ALERT_MESSAGE_CHARS = 1_000;

function boundedMessage(message: string): string {
  if (message.length <= MAX_ALERT_MESSAGE_CHARS) return message;
  let end = MAX_ALERT_MESSAGE_CHARS - 1;
  // Not between the two halves of a character outside the BMP (an emoji).
  const code = message.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${message.slice(0, end)}…`;
}

export function renderMessage(
  template: string,
  rule: AlertRule,
  obs: Observation,
  heldMs: number,
  evidence: string[],
): string {
  return template.replace(/\{([A-Za-z.]+)\}/g, (whole, name: string) => {
    if (name === 'durationS') return String(Math.round(heldMs / 1000));
    if (name === 'evidence') return evidence.join('; ') || 'no detail';
    if (name === 'subject') return rule.subject;
    const def = metricOf(name);
    return def ? formatValue(def.read(obs), def.unit) : whole;
  });
}

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const minSpeech = options.minSpeechFraction ?? ENGINE_MIN_SPEECH_FRACTION;
  const calls = new Map<string, CallState>();
  let ruleSet = options.rules;
  let byStream = indexRules(ruleSet);
  /**
   * Per tenant, the rules of each stream that may judge its calls (tenant scope only; queues are
   * checked per observation): with many tenants' own files, a call walks its tenant's rules, not
   * every tenant's. Filled on first use, emptied by setRules; one entry per tenant seen.
   */
  let byTenant = new Map<string, TenantIndex>();
  let everyTenant: TenantIndex = { streams: byStream, keepMs: maxLookbackMs(ruleSet) + 5_000 };

  /** A tenant's rules by stream and the history they need: another tenant's file sizes neither. */
  function indexOf(tenant: string | undefined): TenantIndex {
    if (tenant === undefined) return everyTenant;
    let index = byTenant.get(tenant);
    if (!index) {
      const own = { ...ruleSet, rules: ruleSet.rules.filter((rule) => tenantInScope(rule, tenant)) };
      index = { streams: indexRules(own), keepMs: maxLookbackMs(own) + 5_000 };
      byTenant.set(tenant, index);
    }
    return index;
  }

  function indexRules(set: RuleSet): Map<string, AlertRule[]> {
    const map = new Map<string, AlertRule[]>();
    for (const rule of set.rules) {
      const key = `${rule.source}:${rule.subject}`;
      map.set(key, [...(map.get(key) ?? []), rule]);
    }
    return map;
  }

  /**
   * A window on hold is nobody's speech (hold music the gate missed is not the speaker): for a
   * speech-time rule it neither holds nor breaks an episode, and no tension baseline learns it.
   */
  function isSpeech(obs: Observation): boolean {
    if (obs.source === 'emotion') return obs.event.state !== 'no-speech' && obs.event.onHold !== true;
    if (obs.source === 'features')
      return obs.window.speechFraction >= minSpeech && obs.window.onHold !== true;
    return true;
  }

  function trackPrior(rule: AlertRule, st: RuleState, obs: Observation, history: Observation[]): void {
    if (!rule.after) return;
    const { startMs, endMs } = spanOf(obs);
    const evidence: string[] = [];
    if (!evaluate(rule.after.when, obs, history, evidence)) {
      st.priorHeldMs = 0;
      st.priorLastEndMs = -1;
      return;
    }
    if (st.priorLastEndMs >= 0 && startMs - st.priorLastEndMs > rule.maxGapMs) st.priorHeldMs = 0;
    st.priorHeldMs += coverage(startMs, endMs, st.priorHeldMs > 0 ? st.priorLastEndMs : -1);
    st.priorLastEndMs = endMs;
    if (st.priorHeldMs >= rule.after.minDurationMs) {
      st.priorSatisfiedEndMs = endMs;
      st.priorEvidence = [`before: ${evidence.join(', ')} for ${Math.round(st.priorHeldMs / 1000)} s`];
    }
  }

  function alertOf(
    rule: AlertRule,
    obs: Observation,
    st: RuleState,
    evidence: string[],
    kind: AlertEvent['kind'],
  ): AlertEvent {
    const { windowIndex, endMs } = spanOf(obs);
    const subject = subjectOf(obs);
    const escalated = kind === 'escalated';
    const alertId = `${obs.callId}:${subject}:${windowIndex}:${rule.id}${escalated ? '.escalated' : ''}`;
    const message = renderMessage(rule.message, rule, obs, st.heldMs, evidence);
    const severity = escalated
      ? SEVERITY_ORDER[Math.max(1, SEVERITY_ORDER.indexOf(rule.severity))]
      : rule.severity;
    return {
      alertId,
      callId: obs.callId,
      ruleId: rule.id,
      ruleName: rule.name,
      kind,
      subject,
      windowIndex,
      conditionStartMs: st.runStartMs,
      audioMs: endMs,
      heldMs: st.heldMs,
      audience: escalated ? 'supervisor' : rule.audience,
      severity,
      message: boundedMessage(
        escalated
          ? `Escalated, still holding after ${Math.round((endMs - st.lastFiredMs) / 1000)} s: ${message}`
          : message,
      ),
      cue: rule.cue,
      evidence,
      escalationOf: escalated ? st.firedAlertId : null,
      // An escalation is of an agent-only alert: never a recovery.
      endsEarlierAlerts: !escalated && endsEarlierAlerts(rule),
    };
  }

  function step(
    rule: AlertRule,
    st: RuleState,
    obs: Observation,
    history: Observation[],
    speech: boolean,
  ): AlertEvent | null {
    if (rule.durationBasis === 'speech' && !speech) return null;
    if (
      rule.durationBasis === 'speech' &&
      rule.minSpeechFraction !== null &&
      obs.source === 'features' &&
      obs.window.speechFraction < rule.minSpeechFraction
    )
      return null;
    // One-way audio: the silence is the line's; after it the rule judges afresh.
    if (pausedByLineFault(rule, obs)) {
      resetRun(st);
      return null;
    }
    trackPrior(rule, st, obs, history);
    const evidence: string[] = [];
    if (!evaluate(rule.when, obs, history, evidence)) {
      resetRun(st);
      return null;
    }
    const { startMs, endMs } = spanOf(obs);
    if (st.lastHoldEndMs >= 0 && startMs - st.lastHoldEndMs > rule.maxGapMs) resetRun(st);
    if (st.runStartMs < 0) st.runStartMs = startMs;
    st.heldMs += coverage(startMs, endMs, st.lastHoldEndMs);
    st.lastHoldEndMs = endMs;
    if (obs.source === 'emotion') for (const e of obs.event.evidence.slice(0, 3)) evidence.push(e);
    if (st.active) {
      const after = rule.escalateAfterMs;
      if (after === null || st.escalated || endMs - st.lastFiredMs < after) return null;
      st.escalated = true;
      return alertOf(rule, obs, st, evidence, 'escalated');
    }
    if (st.heldMs < rule.minDurationMs || endMs - st.lastFiredMs < rule.cooldownMs) return null;
    if (rule.after) {
      if (st.priorSatisfiedEndMs < 0 || st.runStartMs - st.priorSatisfiedEndMs > rule.after.withinMs)
        return null;
      evidence.unshift(...st.priorEvidence);
      st.priorSatisfiedEndMs = -1;
    }
    st.active = true;
    st.escalated = false;
    st.lastFiredMs = endMs;
    const alert = alertOf(rule, obs, st, evidence, 'raised');
    st.firedAlertId = alert.alertId;
    return alert;
  }

  return {
    push(pushed) {
      let obs = pushed;
      let call = calls.get(obs.callId);
      if (!call) {
        call = { streams: new Map(), rules: new Map(), scope: undefined };
        calls.set(obs.callId, call);
      }
      if (obs.scope) call.scope = obs.scope;
      const subject = subjectOf(obs);
      const key = `${obs.source}:${subject}`;
      let stream = call.streams.get(key);
      if (!stream) {
        stream = {
          lastWindowIndex: -1,
          last: null,
          history: [],
          tension: newTensionBaseline(),
          agentLeg: UNKNOWN_AGENT_LEG,
        };
        call.streams.set(key, stream);
      }
      const { windowIndex, startMs, endMs } = spanOf(obs);
      if (windowIndex <= stream.lastWindowIndex) return [];
      const place: WindowPlace = { windowIndex, startMs, arrivalMs: obs.arrivalMs ?? 0 };
      const jump = stream.last && options.windowJump?.(stream.last, place);
      if (jump) throw new WindowJumpError(jump);
      stream.lastWindowIndex = windowIndex;
      stream.last = nextPlace(stream.last, place);
      const speech = isSpeech(obs);
      // A transfer to another agent: their tension is measured against their own start, not the
      // first agent's voice (a higher voice read as a tension rise). The customer's carries on.
      if (obs.source === 'features' && obs.channel === 'agent') {
        if (isNewAgentLeg(stream.agentLeg, obs.agentLeg)) stream.tension = newTensionBaseline();
        stream.agentLeg = agentLegAfter(stream.agentLeg, obs.agentLeg);
      }
      if (obs.source === 'features' && speech)
        obs = { ...obs, tensionRise: tensionRise(stream.tension, obs.window.tensionIndex) };
      const out: AlertEvent[] = [];
      const index = indexOf(obs.scope?.tenant);
      for (const rule of index.streams.get(key) ?? NO_RULES) {
        // Its tenant's index left other tenants' rules out: only a rule's queues remain to check.
        const queues = rule.scope?.queues;
        if (obs.scope ? queues && !queues.includes(obs.scope.queue) : !inScope(rule, undefined)) continue;
        let st = call.rules.get(rule.id);
        if (!st) {
          st = newRuleState();
          call.rules.set(rule.id, st);
        }
        const alert = step(rule, st, obs, stream.history, speech);
        if (alert) out.push(alert);
      }
      if (speech) {
        stream.history.push(obs);
        let drop = 0;
        while (drop < stream.history.length && spanOf(stream.history[drop]).endMs < endMs - index.keepMs)
          drop += 1;
        if (drop > 0) stream.history.splice(0, drop);
      }
      return out;
    },
    endCall(callId) {
      calls.delete(callId);
    },
    setRules(rules) {
      ruleSet = rules;
      byStream = indexRules(rules);
      byTenant = new Map();
      everyTenant = { streams: byStream, keepMs: maxLookbackMs(rules) + 5_000 };
      // A rule's state stays while a rule of its id still judges the call (changed or not): one
      // id may name a global rule and a tenant's replacement of it, never both for one call.
      const byId = new Map<string, AlertRule[]>();
      for (const rule of rules.rules) byId.set(rule.id, [...(byId.get(rule.id) ?? []), rule]);
      for (const call of calls.values())
        for (const id of call.rules.keys())
          if (!byId.get(id)?.some((rule) => inScope(rule, call.scope))) call.rules.delete(id);
    },
    callCount() {
      return calls.size;
    },
  };
}
