// The demo console shows what the wallboard shows: a confident class, "tense" for an uncertain
// window with confidently high arousal, else "uncertain"; its summary counts those per span a
// listener hears.
import { describe, expect, it } from 'vitest';
import { createCallConsole } from '../../../../../scripts/lib/demo/call-console.ts';
import type { DemoCallTruth } from '../../../../../scripts/lib/demo/sources.ts';
import { EMOTION_LABELS } from '../../../../../pipelines/emotion/types.ts';
import type { EmotionEventRecord } from '../../../../../services/shared/records.ts';

const TRUTH: DemoCallTruth = {
  name: 'call-4-anxious-calms',
  description: 'opens anxious, then calm',
  segments: [
    { label: 'anxious', startMs: 0, endMs: 10_000 },
    { label: 'neutral', startMs: 10_000, endMs: 20_000 },
  ],
  customerSpeech: null,
};

/** Window i covers [i, i + 2] s. */
function event(i: number, state: string, arousal: number): EmotionEventRecord {
  return {
    eventId: `demo-0:customer:${i}:emotion`,
    callId: 'demo-0',
    channel: 'customer',
    windowIndex: i,
    startMs: i * 1000,
    endMs: i * 1000 + 2000,
    state,
    changed: false,
    rawLabel: 'neutral',
    probabilities: Object.fromEntries(EMOTION_LABELS.map((l) => [l, 1 / 7])),
    arousal,
    valence: 0.5,
    arousalConfidence: Math.max(arousal, 1 - arousal),
    valenceConfidence: 0.5,
    confidence: 0.2,
    evidence: [],
    producedAtMs: 0,
    audioCompletedAtMs: 0,
    tenant: 'demo',
  };
}

describe('demo call console', () => {
  it('prints and counts "tense" for uncertain windows with high arousal, the class otherwise', () => {
    const lines: string[] = [];
    const console_ = createCallConsole({ truth: () => TRUTH, say: (l) => lines.push(l) });
    // Anxious span (centres 1..8 s): 4 uncertain windows at arousal 0.7, 4 at 0.5.
    for (let i = 0; i < 8; i++) console_.emotion(event(i, 'uncertain', i < 4 ? 0.7 : 0.5));
    // Calm span (centres 11..18 s): neutral, whatever the arousal.
    for (let i = 10; i < 18; i++) console_.emotion(event(i, 'neutral', 0.7));
    expect(lines.map((l) => l.match(/customer (\S+)/)?.[1])).toEqual(['TENSE', 'UNCERTAIN', 'NEUTRAL']);
    // The cue is printed with the arousal decision's confidence, not the class's.
    expect(lines[0]).toMatch(/TENSE\s+70%/);
    const summary = console_.summary().join('\n');
    expect(summary).toMatch(/hears anxious .* shown: tense 50%, uncertain 50% of 8 speech windows/);
    expect(summary).toMatch(/hears neutral .* shown: neutral 100% of 8 speech windows/);
  });
});
