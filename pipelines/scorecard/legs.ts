// The legs of a transferred call (one agent each) and each leg's agent figures: the same measures
// as the whole call's, over the leg's audio time only, so each agent is judged on their own leg.
// The call-level figures stay whole-call (measures.ts). Pure.
import { computeMeasures } from './measures.ts';
import type { ScorecardInput } from './types.ts';

/** One call start: whom it names and where, in audio time (ms since call start), its leg starts. */
export interface LegStart {
  startMs: number;
  agentId: string;
  team: string;
  queue: string;
  /**
   * When the start was announced (epoch ms; null unknown: before migration 019's column, an
   * import). Orders starts at the same audio time: a transfer before a resumed stream's second
   * frame starts where that resume started.
   */
  announcedAtMs?: number | null;
}

/** A leg as shown: from where it starts to where the next starts (null: the live call's end). */
export interface LegSpan extends LegStart {
  fromMs: number;
  toMs: number | null;
}

/** The agent-side figures of one leg (CallMeasures' names, over the leg's span). */
export interface LegMeasures {
  durationMs: number;
  agentSpeechS: number;
  agentPaceCompliance: number | null;
  agentTensionCompliance: number | null;
  overtalkCount: number;
  overtalkPerMin: number;
  talkRatioAgent: number | null;
  alertsCount: number;
}

const sameAgent = (a: LegStart, b: LegStart) =>
  a.agentId === b.agentId && a.team === b.team && a.queue === b.queue;

/**
 * Sorted by start, then by announcement; a start naming the agent, team and queue of the leg before it (a stream resumed
 * on another gateway after a crash, not a transfer) continues that leg. The first leg covers the
 * call from 0 (a start's bound from before migration 019 may lie a little after it).
 */
export function legSpans(starts: readonly LegStart[], durationMs: number | null): LegSpan[] {
  const announced = (start: LegStart) => start.announcedAtMs ?? -Infinity;
  const sorted = [...starts].sort(
    (a, b) =>
      a.startMs - b.startMs || (announced(a) < announced(b) ? -1 : announced(a) > announced(b) ? 1 : 0),
  );
  const legs: LegSpan[] = [];
  for (const start of sorted) {
    const last = legs[legs.length - 1];
    if (last && sameAgent(last, start)) continue;
    if (last) last.toMs = start.startMs;
    legs.push({ ...start, fromMs: legs.length === 0 ? 0 : start.startMs, toMs: null });
  }
  const last = legs[legs.length - 1];
  if (last && durationMs !== null) last.toMs = Math.max(last.fromMs, durationMs);
  return legs;
}

/** The part of the call's input that starts inside [fromMs, toMs). */
function sliceInput(input: ScorecardInput, fromMs: number, toMs: number): ScorecardInput {
  const inside = (item: { startMs: number }) => item.startMs >= fromMs && item.startMs < toMs;
  return {
    durationMs: toMs - fromMs,
    windows: input.windows.filter(inside),
    emotions: input.emotions.filter(inside),
    dynamics: input.dynamics.filter(inside),
    alerts: input.alerts.filter(inside),
    ...(input.paceLine === undefined ? {} : { paceLine: input.paceLine }),
  };
}

/**
 * One leg's agent figures. The tension rise is measured against the leg's own first speech: the
 * new agent's voice, not the first agent's (the live cue still uses the first agent's baseline).
 */
export function legMeasures(input: ScorecardInput, leg: LegSpan): LegMeasures {
  const toMs = leg.toMs ?? input.durationMs;
  const m = computeMeasures(sliceInput(input, leg.fromMs, Math.max(leg.fromMs, toMs)));
  return {
    durationMs: m.durationMs,
    agentSpeechS: m.agentSpeechS,
    agentPaceCompliance: m.agentPaceCompliance,
    agentTensionCompliance: m.agentTensionCompliance,
    overtalkCount: m.overtalkCount,
    overtalkPerMin: m.overtalkPerMin,
    talkRatioAgent: m.talkRatioAgent,
    alertsCount: m.alertsCount,
  };
}
