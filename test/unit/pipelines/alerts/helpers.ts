// Builders of emotion events, feature windows and dynamics windows on the 2 s window / 1 s hop
// grid, and a runner that feeds sequences through the engine with the shipped default rules.
import { readFileSync } from 'node:fs';
import { createAlertEngine, parseRuleSetText } from '../../../../pipelines/alerts/index.ts';
import type { AlertEngine, AlertEvent, Observation, RuleSet } from '../../../../pipelines/alerts/index.ts';
import type { Channel, DynamicsWindow } from '../../../../pipelines/dsp/types.ts';
import { emotionOnGrid, gridWindow, speakerWindow } from '../../../../devkit/records/speaker-window.ts';
import { EMOTION_LABELS, type EmotionEvent, type EmotionState } from '../../../../pipelines/emotion/types.ts';

export const CALL = 'call-1';

export function defaultRules(): RuleSet {
  return parseRuleSetText(
    readFileSync(new URL('../../../../config/alert-rules.yaml', import.meta.url), 'utf8'),
  );
}

export function engineWith(rules: RuleSet = defaultRules()): AlertEngine {
  return createAlertEngine({ rules });
}

export function emotion(
  i: number,
  channel: Channel,
  state: EmotionState,
  over: Partial<Pick<EmotionEvent, 'arousal' | 'valence' | 'onHold'>> = {},
): Observation {
  const probabilities = Object.fromEntries(
    EMOTION_LABELS.map((l) => [l, l === state ? 0.7 : 0.05]),
  ) as EmotionEvent['probabilities'];
  const negative = state === 'angry' || state === 'sad' || state === 'disgust';
  const event: EmotionEvent = {
    ...emotionOnGrid(CALL, channel, i),
    state,
    changed: false,
    rawLabel: state === 'no-speech' || state === 'uncertain' ? 'neutral' : state,
    probabilities,
    arousal: over.arousal ?? (state === 'angry' ? 0.8 : 0.4),
    valence: over.valence ?? (negative ? 0.2 : 0.6),
    arousalConfidence: 0.8,
    valenceConfidence: 0.8,
    confidence: 0.7,
    ...(over.onHold ? { onHold: true } : {}),
    evidence: state === 'angry' ? ['pitch +3.1 st over baseline'] : [],
  };
  return { source: 'emotion', callId: CALL, channel, event };
}

export function features(
  i: number,
  channel: Channel,
  over: { tension?: number; rate?: number; speech?: number } = {},
): Observation {
  return { source: 'features', callId: CALL, channel, window: speakerWindow(i, over) };
}

export function dynamics(
  i: number,
  over: { silenceMs?: number; overtalks?: number; holdMs?: number; lineFaultMs?: number } = {},
): Observation {
  const window: DynamicsWindow = {
    ...gridWindow(i),
    overtalkCount: over.overtalks ?? 0,
    overtalkMs: (over.overtalks ?? 0) * 400,
    mutualSilenceMs: over.silenceMs ?? 200,
    longestMutualSilenceMs: over.silenceMs ?? 200,
    // A one-way customer line has no talk ratio (pipelines/dsp/line-watch.ts).
    talkRatioAgent: over.lineFaultMs ? NaN : 0.5,
    agentResponseLatencyMs: [],
    customerResponseLatencyMs: [],
    ...(over.holdMs ? { holdMs: over.holdMs } : {}),
    ...(over.lineFaultMs ? { customerLineFaultMs: over.lineFaultMs } : {}),
  };
  return { source: 'dynamics', callId: CALL, window };
}

/** Feeds observations in order and returns every alert with the index of the input that raised it. */
export function run(engine: AlertEngine, inputs: Observation[]): (AlertEvent & { at: number })[] {
  const out: (AlertEvent & { at: number })[] = [];
  inputs.forEach((obs, at) => {
    for (const alert of engine.push(obs)) out.push({ ...alert, at });
  });
  return out;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}
