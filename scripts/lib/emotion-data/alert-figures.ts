// Alert figures of the call protocol through the real rule engine (pipelines/alerts): the
// customer's emotion events of each simulated call go into createAlertEngine with the shipped
// rules. False alerts, per hour of calm audio: any alert whose condition started in the calm start
// (nothing happened before it), and any warning or critical alert whose condition started in the
// later neutral block (an info "customer recovered" there, after an emotion block, is right). Latency: from the start of the angry block to the first
// `customer-frustration` alert fired in it (a block without one counts as missed). No I/O.
import { createAlertEngine } from '../../../pipelines/alerts/index.ts';
import type { RuleSet } from '../../../pipelines/alerts/index.ts';
import type { EmotionEvent } from '../../../pipelines/emotion/index.ts';
import type { SpeakerCall } from './features.ts';

export const FRUSTRATION_RULE = 'customer-frustration';

export interface CallAlertFigures {
  calmMs: number;
  falseAlerts: number;
  falseAlertRules: string[];
  /** Seconds from the angry block's start to the frustration alert; null when it never fired. */
  angryLatencyS: number | null;
  hasAngryBlock: boolean;
}

interface Span {
  startMs: number;
  endMs: number;
}

/** Contiguous spans of the call's segments that satisfy `pick` (gaps between them included). */
function spans(call: SpeakerCall, pick: (seg: number) => boolean): Span[] {
  const out: Span[] = [];
  call.segments.forEach((seg, i) => {
    if (!pick(i)) return;
    const last = out[out.length - 1];
    if (last && i > 0 && pick(i - 1)) last.endMs = seg.endMs;
    else out.push({ startMs: seg.startMs, endMs: seg.endMs });
  });
  return out;
}

export function callAlertFigures(
  call: SpeakerCall,
  events: readonly EmotionEvent[],
  rules: RuleSet,
): CallAlertFigures {
  const engine = createAlertEngine({ rules });
  const calm = spans(
    call,
    (i) => call.segments[i].calmStart || call.clips[call.segments[i].clip].label === 'neutral',
  );
  const start = spans(call, (i) => call.segments[i].calmStart);
  const angry = spans(
    call,
    (i) => !call.segments[i].calmStart && call.clips[call.segments[i].clip].label === 'angry',
  );
  const inside = (ms: number, list: Span[]): Span | undefined =>
    list.find((s) => ms >= s.startMs && ms <= s.endMs + 1000);
  let falseAlerts = 0;
  const falseAlertRules: string[] = [];
  let angryLatencyS: number | null = null;
  for (const event of events) {
    for (const alert of engine.push({
      source: 'emotion',
      callId: call.speaker,
      channel: 'customer',
      event,
    })) {
      if (alert.kind !== 'raised') continue;
      // An alert belongs to the part where its condition started (a frustration alert a second
      // after an angry block ends is still about the anger).
      const at = alert.conditionStartMs;
      const falseAlarm =
        inside(at, start) || (alert.severity !== 'info' && inside(at, calm) && !inside(at, angry));
      if (falseAlarm) {
        falseAlerts++;
        falseAlertRules.push(alert.ruleId);
      }
      const block = angry[0];
      if (
        alert.ruleId === FRUSTRATION_RULE &&
        block &&
        angryLatencyS === null &&
        alert.audioMs >= block.startMs &&
        alert.audioMs <= block.endMs + 2000
      ) {
        angryLatencyS = (alert.audioMs - block.startMs) / 1000;
      }
    }
  }
  return {
    calmMs: calm.reduce((s, c) => s + c.endMs - c.startMs, 0),
    falseAlerts,
    falseAlertRules,
    angryLatencyS,
    hasAngryBlock: angry.length > 0,
  };
}
