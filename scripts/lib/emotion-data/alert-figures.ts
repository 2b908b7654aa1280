// Alert figures of the call protocol through the real rule engine (pipelines/alerts): the
// customer's emotion events of each simulated call go into createAlertEngine with the shipped
// rules. False alerts, per hour of calm audio: any alert whose condition started in the calm start
// (nothing happened before it), and any warning or critical alert whose condition started in the
// later neutral block (an info "customer recovered" there, after an emotion block, is right). Latency: from the start of the angry block to the first
// `customer-frustration` alert fired in it (a block without one counts as missed). False
// recoveries: a "customer recovered" alert raised while the customer is still in a negative block
// (angry, sad, anxious, disgust) and whose condition started in it: a flip of the state inside the
// emotion, not a return (the demo's sad call raised one). Returns: an angry block followed by a
// neutral block, counted as announced when a recovery alert is raised in that neutral block. No I/O.
import { createAlertEngine } from '../../../pipelines/alerts/index.ts';
import type { RuleSet } from '../../../pipelines/alerts/index.ts';
import type { EmotionEvent } from '../../../pipelines/emotion/index.ts';
import type { SpeakerCall } from './features.ts';

export const FRUSTRATION_RULE = 'customer-frustration';
/** Rules that announce a return to calm (config/alert-rules.yaml). */
export const RECOVERY_RULES: ReadonlySet<string> = new Set(['customer-recovered']);
const NEGATIVE_LABELS: ReadonlySet<string> = new Set(['angry', 'sad', 'anxious', 'disgust']);

export interface CallAlertFigures {
  calmMs: number;
  falseAlerts: number;
  falseAlertRules: string[];
  /** Seconds from the angry block's start to the frustration alert; null when it never fired. */
  angryLatencyS: number | null;
  hasAngryBlock: boolean;
  /** Recovery alerts raised inside the negative block where their condition started. */
  falseRecoveries: number;
  /** Recovery alerts raised in all. */
  recoveries: number;
  /** Negative blocks after the calm start (angry, sad, anxious, disgust). */
  negativeBlocks: number;
  /** Angry blocks followed by a neutral one, and how many of those returns a recovery alert announced. */
  returns: number;
  returnsAnnounced: number;
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
  const negative = spans(call, (i) => {
    const label = call.clips[call.segments[i].clip].label;
    return !call.segments[i].calmStart && label !== null && NEGATIVE_LABELS.has(label);
  });
  // The neutral block right after an angry one (400 ms gap between clips).
  const returns = angry.flatMap((a) =>
    calm.filter((c) => c.startMs >= a.endMs && c.startMs - a.endMs < 1000),
  );
  const announced = new Set<Span>();
  const inside = (ms: number, list: Span[]): Span | undefined =>
    list.find((s) => ms >= s.startMs && ms <= s.endMs + 1000);
  let falseAlerts = 0;
  const falseAlertRules: string[] = [];
  let angryLatencyS: number | null = null;
  let falseRecoveries = 0;
  let recoveries = 0;
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
      if (RECOVERY_RULES.has(alert.ruleId)) {
        recoveries++;
        const block = negative.find((s) => at >= s.startMs && at <= s.endMs);
        if (block && alert.audioMs <= block.endMs) falseRecoveries++;
        const back = returns.find((r) => alert.audioMs >= r.startMs && alert.audioMs <= r.endMs + 1000);
        if (back) announced.add(back);
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
    falseRecoveries,
    recoveries,
    negativeBlocks: negative.length,
    returns: returns.length,
    returnsAnnounced: announced.size,
  };
}
