// The post-call scorecard: nine parts, each a 0..1 value from a measured quantity, combined into a
// 0..100 score by fixed weights (renormalised over the parts that apply). Pure and deterministic.
// The formula is documented in pipelines/scorecard/README.md; constants live in measures.ts.
import { AGENT_PACE_LIMIT } from '../alerts/agent-pace.ts';
import { computeMeasures } from './measures.ts';
import { agentAlertMeasures, type AgentAlertMeasures } from './alert-measures.ts';
import type { CallMeasures, Scorecard, ScorecardInput, ScorePart, ScorePartName } from './types.ts';

/** Weights out of 100 (sum = 100). */
export const WEIGHTS: Readonly<Record<ScorePartName, number>> = {
  customerTrajectory: 25,
  customerNegativeShare: 15,
  deEscalation: 15,
  agentPace: 10,
  agentTension: 10,
  overtalk: 8,
  mutualSilence: 5,
  talkRatio: 5,
  alertHandling: 7,
};

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
/** 1 at or below `good`, 0 at or above `bad`, linear between. */
const falling = (x: number, good: number, bad: number) => clamp01((bad - x) / (bad - good));

function part(name: ScorePartName, value: number | null, measure: number | null, unit: string, text: string) {
  const rounded = (x: number | null) => (x === null || !Number.isFinite(x) ? x : Math.round(x * 1000) / 1000);
  const out: ScorePart = {
    name,
    weight: WEIGHTS[name],
    value: rounded(value),
    measure: rounded(measure),
    unit,
    explanation: text,
  };
  return out;
}

/** "customer's line suspected one-way for 46 s" (the summary's customerLineFaultS). */
function lineFaultText(m: Pick<CallMeasures, 'customerLineFaultS'>): string {
  return `customer's line suspected one-way for ${Math.round(m.customerLineFaultS ?? 0)} s`;
}

/** The parts, alertHandling over the alerts the agent was shown (`agentAlertMeasures`). */
export function scoreParts(m: CallMeasures, shownToAgent: AgentAlertMeasures): ScorePart[] {
  const negativeShare = m.customerEmotionS > 0 ? m.customerNegativeS / m.customerEmotionS : null;
  const deEsc = m.deEscalationS.map((s) => (s === null ? 0 : falling(s, 30, 120)));
  const talk = m.talkRatioAgent;
  // A one-way line (the customer unheard while the agent talks): the silence is the line's, not the
  // agent's; the talk ratio is over the rest of the call (measures.ts leaves the fault out).
  const lineFault = (m.customerLineFaultS ?? 0) > 0;
  // The slowest return; "never" (null) when any frustration never calmed (the page showed the
  // slowest of those that did).
  const slowestDeEsc = m.deEscalationS.includes(null) ? null : Math.max(...(m.deEscalationS as number[]));
  return [
    part(
      'customerTrajectory',
      m.trajectory === null ? null : clamp01(0.5 + m.trajectory),
      m.trajectory,
      'valence change',
      'customer valence, last minute of speech minus first (+0.5 or better = 1, -0.5 or worse = 0)',
    ),
    part(
      'customerNegativeShare',
      negativeShare === null ? null : falling(negativeShare, 0, 0.5),
      negativeShare,
      'share',
      'share of customer speech angry, sad, anxious or disgusted (0 = 1, half or more = 0)',
    ),
    part(
      'deEscalation',
      deEsc.length > 0 ? deEsc.reduce((a, b) => a + b, 0) / deEsc.length : null,
      m.deEscalationS.length > 0 ? slowestDeEsc : null,
      's (slowest)',
      'per frustration alert, time until the customer is neutral or happy again (≤ 30 s = 1, ≥ 120 s or never = 0)',
    ),
    part(
      'agentPace',
      m.agentPaceCompliance,
      m.agentPaceCompliance,
      'share',
      m.agentPaceLimit === null
        ? 'no agent-too-fast rule judges this call: pace not scored'
        : `share of agent speech at or below ${m.agentPaceLimit ?? AGENT_PACE_LIMIT} syllables per second of speech (the agent-too-fast rule in force for the call)`,
    ),
    part(
      'agentTension',
      m.agentTensionCompliance,
      m.agentTensionCompliance,
      'share',
      'share of agent speech with vocal tension less than 0.1 above its first 10 s of speech',
    ),
    part(
      'overtalk',
      m.durationMs > 0 ? falling(m.overtalkPerMin, 0, 2) : null,
      m.overtalkPerMin,
      'per minute',
      'overtalk events per minute (0 = 1, 2 or more = 0)',
    ),
    part(
      'mutualSilence',
      m.durationMs > 0 && !lineFault ? falling(m.longestMutualSilenceMs / 1000, 8, 30) : null,
      m.longestMutualSilenceMs / 1000,
      's',
      lineFault
        ? `${lineFaultText(m)}: the agent's pauses for an answer are not the agent's silence, not scored`
        : 'longest mutual silence (≤ 8 s = 1, ≥ 30 s = 0)',
    ),
    part(
      'talkRatio',
      talk === null ? null : talk < 0.35 ? falling(0.35 - talk, 0, 0.3) : falling(talk - 0.65, 0, 0.3),
      talk,
      'agent share',
      !lineFault
        ? 'agent share of speech (0.35–0.65 = 1, falling to 0 at 0.05 and 0.95)'
        : talk === null
          ? `${lineFaultText(m)}: who talked more is unknown, not scored`
          : `agent share of speech outside the ${Math.round(m.customerLineFaultS ?? 0)} s the customer's line was suspected one-way and the quiet before it (0.35–0.65 = 1, falling to 0 at 0.05 and 0.95)`,
    ),
    alertHandlingPart(shownToAgent),
  ];
}

/**
 * The part over the alerts alone (the call store recomputes it when an acknowledgement is late),
 * those the agent was shown: a supervisor-only alert is not the agent's to acknowledge.
 */
export function alertHandlingPart(m: AgentAlertMeasures) {
  const ack = m.ackDelaysS.map((s) => falling(s, 60, 300));
  const left =
    m.supervisorOnly > 0
      ? `; ${m.supervisorOnly} supervisor-only alert(s) not counted (not shown to the agent)`
      : '';
  return part(
    'alertHandling',
    m.alertsCount > 0 ? ack.reduce((a, b) => a + b, 0) / m.alertsCount : null,
    m.alertsCount > 0 ? m.alertsAcknowledged / m.alertsCount : null,
    'share acknowledged',
    `per alert shown to the agent: acknowledged within 60 s = 1, falling to 0 at 300 s; never acknowledged = 0${left}`,
  );
}

/** Σ weight·value / Σ weight over the parts that apply, scaled to 0..100 and rounded. */
export function combine(parts: readonly ScorePart[]): number | null {
  let weight = 0;
  let sum = 0;
  for (const p of parts) {
    if (p.value === null) continue;
    weight += p.weight;
    sum += p.weight * p.value;
  }
  return weight > 0 ? Math.round((100 * sum) / weight) : null;
}

/** Speech each side needs before the call is scored (s). */
export const MIN_SCORED_SPEECH_S = 10;
/** Weight of the parts that must apply before the call is scored (of 100). */
export const MIN_SCORED_WEIGHT = 50;

/**
 * Why a call is not scored, or null. The score is a mean over the parts that apply, so a call
 * where little applies read excellent: a 0.2 s call scored 100 on its overtalk and silence parts
 * alone, a call whose customer never spoke (one-way audio) 76, and sorting by score, the agents'
 * mean score and the CSAT report took dropped calls for the best ones.
 */
export function unscoredReason(m: CallMeasures, parts: readonly ScorePart[]): string | null {
  const s = (x: number) => `${Math.round(x * 10) / 10} s`;
  // The customer too little heard because her line carried nothing: a line fault, not a short call.
  if (m.customerSpeechS < MIN_SCORED_SPEECH_S && (m.customerLineFaultS ?? 0) > 0)
    return `${lineFaultText(m)} (customer ${s(m.customerSpeechS)} heard): a line fault, not judged`;
  if (m.customerSpeechS < MIN_SCORED_SPEECH_S || m.agentSpeechS < MIN_SCORED_SPEECH_S)
    return (
      `too little speech to judge (customer ${s(m.customerSpeechS)}, agent ${s(m.agentSpeechS)}; ` +
      `each needs ${MIN_SCORED_SPEECH_S} s)`
    );
  const applies = parts.reduce((sum, p) => sum + (p.value === null ? 0 : p.weight), 0);
  if (applies < MIN_SCORED_WEIGHT)
    return `too few parts apply (weight ${applies} of 100, at least ${MIN_SCORED_WEIGHT} needed)`;
  return null;
}

export function computeScorecard(input: ScorecardInput): Scorecard {
  const measures = computeMeasures(input);
  const parts = scoreParts(measures, agentAlertMeasures(input.alerts));
  const unscored = unscoredReason(measures, parts);
  return { version: 1, score: unscored === null ? combine(parts) : null, unscored, parts, measures };
}
