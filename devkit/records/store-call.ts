// Deterministic synthetic calls as store events (call start, windows and emotion events of both
// speakers, dynamics, an optional frustration alert with its acknowledgement, call end), for the
// tests, the benchmark and the demo seed. Pure: a seeded generator, no I/O.
import { HOLD_EVIDENCE } from '../../pipelines/emotion/hold-event.ts';
import type { StoreEvent } from '../../services/call-store/events.ts';
import { mulberry32 } from '../../pipelines/emotion/train/rng.ts';
import { syntheticAffect, type SyntheticAnger } from './synthetic-affect.ts';

export interface SyntheticStoreCallOptions {
  callId: string;
  tenant?: string;
  agentId?: string;
  queue?: string;
  /** The call's team (CallEvent `team`); '' when absent. */
  team?: string;
  startedAt?: Date;
  durationS?: number;
  /** Customer is angry from this second to `angryToS` (none when absent). */
  angryFromS?: number;
  angryToS?: number;
  /** On hold (CallHold) from this second to `holdToS`: the dynamics windows carry holdMs (none when absent). */
  holdFromS?: number;
  holdToS?: number;
  /**
   * The customer's line suspected one-way (pipelines/dsp/line-watch.ts) from this second to
   * `lineFaultToS`: those dynamics windows carry customerLineFaultMs and no talk ratio (none when absent).
   */
  lineFaultFromS?: number;
  lineFaultToS?: number;
  /** Fire a frustration alert when the anger starts (+6 s), acknowledged after `ackAfterS`. */
  alert?: boolean;
  ackAfterS?: number | null;
  /**
   * The frustration alert's audience as the store keeps it: 'supervisor' unless given; the shipped
   * customer-frustration rule's is both ('agent,supervisor'), which alertHandling judges (a
   * supervisor-only alert is not the agent's to acknowledge).
   */
  alertAudience?: string;
  storeFeatures?: boolean;
  /** The customer's pseudonym (`cref1_…`); null when absent. */
  customerRef?: string | null;
  /** CallStart consent.history_opt_out: the call stays out of the customer's history. */
  historyOptOut?: boolean;
  seed?: number;
  windowMs?: number;
  hopMs?: number;
}

export interface SyntheticStoreCall {
  start: StoreEvent;
  /** Windows, emotions and dynamics in audio-time order (what the live topics carry). */
  body: StoreEvent[];
  alerts: StoreEvent[];
  end: StoreEvent;
}

/** The options with their defaults applied, times in ms (anger −1000 when absent). */
interface CallPlan {
  callId: string;
  tenant: string;
  startedAt: Date;
  durationS: number;
  windowMs: number;
  hopMs: number;
  angryFrom: number;
  angryTo: number;
  holdFrom: number;
  holdTo: number;
  lineFaultFrom: number;
  lineFaultTo: number;
}

/** A window's position, shared by the features and emotion events of one speaker. */
interface WindowPlace {
  callId: string;
  tenant: string;
  channel: 'agent' | 'customer';
  windowIndex: number;
  startMs: number;
  endMs: number;
}

const STORE_ANGER: SyntheticAnger = {
  arousal: 0.8,
  valence: 0.2,
  evidence: ['pitch +4 semitones over baseline', 'loudness +8 dB'],
};

export function syntheticStoreCall(options: SyntheticStoreCallOptions): SyntheticStoreCall {
  const random = mulberry32(options.seed ?? 1);
  const plan: CallPlan = {
    callId: options.callId,
    tenant: options.tenant ?? 'acme',
    startedAt: options.startedAt ?? new Date('2026-11-20T09:00:00Z'),
    durationS: options.durationS ?? 120,
    windowMs: options.windowMs ?? 2000,
    hopMs: options.hopMs ?? 1000,
    angryFrom: (options.angryFromS ?? -1) * 1000,
    angryTo: (options.angryToS ?? -1) * 1000,
    holdFrom: (options.holdFromS ?? -1) * 1000,
    holdTo: (options.holdToS ?? -1) * 1000,
    lineFaultFrom: (options.lineFaultFromS ?? -1) * 1000,
    lineFaultTo: (options.lineFaultToS ?? -1) * 1000,
  };
  const { durationS, windowMs, hopMs } = plan;
  const windows = Math.max(1, Math.floor((durationS * 1000 - windowMs) / hopMs) + 1);
  const body: StoreEvent[] = [];
  for (let i = 0; i < windows; i++) pushWindowEvents(body, plan, i, random);
  return {
    start: callStartEvent(plan, options),
    body,
    alerts:
      options.alert && plan.angryFrom >= 0
        ? frustrationAlert(plan, options.ackAfterS, options.alertAudience)
        : [],
    end: {
      kind: 'call-end',
      callId: plan.callId,
      tenant: plan.tenant,
      endedAt: new Date(plan.startedAt.getTime() + durationS * 1000).toISOString(),
      durationMs: durationS * 1000,
      endReason: 'hangup',
    },
  };
}

/** Window i: features and emotion of the agent, then of the customer, then the dynamics. */
function pushWindowEvents(body: StoreEvent[], plan: CallPlan, i: number, random: () => number): void {
  const { callId, tenant } = plan;
  const startMs = i * plan.hopMs;
  const endMs = startMs + plan.windowMs;
  for (const channel of ['agent', 'customer'] as const) {
    // Speakers take turns in 10-s blocks; the customer is loud and fast while angry.
    const turn = Math.floor(startMs / 10_000) % 2 === (channel === 'agent' ? 0 : 1);
    const angry = channel === 'customer' && startMs >= plan.angryFrom && startMs < plan.angryTo;
    const speech = turn ? 0.6 + 0.3 * random() : 0.05 * random();
    const place: WindowPlace = { callId, tenant, channel, windowIndex: i, startMs, endMs };
    body.push(featuresEvent(place, speech, angry, random));
    // A window overlapping the hold is the classifier's hold event: not judged (hold-event.ts).
    const held = endMs > plan.holdFrom && startMs < plan.holdTo;
    body.push({
      kind: 'emotion',
      ...place,
      state: held ? 'uncertain' : speech < 0.3 ? 'no-speech' : angry ? 'angry' : 'neutral',
      rawLabel: angry ? 'angry' : 'neutral',
      probabilities: { neutral: angry ? 0.1 : 0.8, angry: angry ? 0.8 : 0.05 },
      ...syntheticAffect(angry, STORE_ANGER),
      ...(held ? { arousal: 0.5, valence: 0.5, confidence: 0, evidence: [HOLD_EVIDENCE] } : {}),
    });
  }
  const lineFaultMs = Math.max(0, Math.min(endMs, plan.lineFaultTo) - Math.max(startMs, plan.lineFaultFrom));
  body.push({
    kind: 'dynamics',
    callId,
    tenant,
    windowIndex: i,
    startMs,
    endMs,
    overtalkCount: random() < 0.02 ? 1 : 0,
    overtalkMs: 0,
    mutualSilenceMs: 100,
    longestMutualSilenceMs: 100 + Math.round(random() * 900),
    talkRatioAgent: 0.5,
    agentResponseLatencyMs: [],
    customerResponseLatencyMs: [],
    holdMs: Math.max(0, Math.min(endMs, plan.holdTo) - Math.max(startMs, plan.holdFrom)),
    // The dsp-worker leaves a faulty window's talk ratio unknown (NaN, stored null).
    ...(lineFaultMs > 0 ? { customerLineFaultMs: lineFaultMs, talkRatioAgent: null } : {}),
  });
}

/** One speaker's feature window; `random` is drawn in field order (the seed fixes every value). */
function featuresEvent(place: WindowPlace, speech: number, angry: boolean, random: () => number): StoreEvent {
  return {
    kind: 'features',
    ...place,
    speechFraction: speech,
    voicedFraction: speech * 0.8,
    pace: {
      syllableRate: 3.5 + random() * (angry ? 3 : 1.5),
      articulationRate: 5,
      pauseRatio: 0.2,
      meanPauseMs: 300,
    },
    pitch: {
      medianHz: (place.channel === 'agent' ? 120 : 210) * (angry ? 1.25 : 1) + random() * 10,
      medianSt: 25,
      meanSt: 25,
      stdSt: 2,
      rangeSt: 6,
      slopeStPerS: 0,
    },
    loudness: { meanDbfs: -26 + (angry ? 8 : 0) + random() * 3, stdDb: 4, peakDbfs: -6 },
    voiceQuality: {
      jitterPct: 1,
      shimmerPct: 4,
      shimmerDb: 0.4,
      hnrDb: 12,
      alphaRatioDb: -10,
      hammarbergDb: 20,
      spectralSlope: -0.02,
    },
    tensionIndex: Math.min(1, 0.25 + random() * 0.3 + (angry ? 0.3 : 0)),
  };
}

/** A customer-frustration alert 6 s into the anger, and its acknowledgement when `ackAfterS` is set. */
function frustrationAlert(
  plan: CallPlan,
  ackAfterS: number | null | undefined,
  audience = 'supervisor',
): StoreEvent[] {
  const { callId, tenant, angryFrom } = plan;
  const alertId = `${tenant}/${callId}:customer:${Math.round((angryFrom + 6000) / plan.hopMs)}:customer-frustration`;
  const firedAt = new Date(plan.startedAt.getTime() + angryFrom + 6000);
  const alerts: StoreEvent[] = [
    {
      kind: 'alert',
      alertId,
      callId,
      tenant,
      ruleId: 'customer-frustration',
      severity: 'warning',
      audience,
      channel: 'customer',
      startMs: angryFrom + 6000,
      firedAt: firedAt.toISOString(),
      message: 'Customer frustration sustained for 6 s',
      evidence: ['angry for 6 s of customer speech'],
    },
  ];
  if (ackAfterS !== null && ackAfterS !== undefined) {
    alerts.push({
      kind: 'ack',
      alertId,
      callId,
      tenant,
      ackedBy: 'supervisor-1',
      ackedAt: new Date(firedAt.getTime() + ackAfterS * 1000).toISOString(),
    });
  }
  return alerts;
}

function callStartEvent(plan: CallPlan, options: SyntheticStoreCallOptions): StoreEvent {
  return {
    kind: 'call-start',
    callId: plan.callId,
    tenant: plan.tenant,
    agentId: options.agentId ?? 'agent-1',
    queue: options.queue ?? 'billing',
    team: options.team ?? '',
    customerRef: options.customerRef ?? null,
    startedAt: plan.startedAt.toISOString(),
    consent: {
      analytics: true,
      storeFeatures: options.storeFeatures ?? true,
      ...(options.historyOptOut ? { historyOptOut: true } : {}),
    },
    source: 'live',
  };
}

/** Every event of a synthetic call in arrival order. */
export function syntheticEvents(call: SyntheticStoreCall): StoreEvent[] {
  return [call.start, ...call.body, ...call.alerts, call.end];
}
