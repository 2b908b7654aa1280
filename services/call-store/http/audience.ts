// What of a readable call a principal gets: the alert service's audience rule
// (services/shared/auth/alert-audience.ts, the one the WebSocket applies) over the call's alerts, and reviewers'
// notes, review scores and alert verdicts only for those who get supervisor-directed alerts. An agent reading its
// own call here sees what its live socket showed: its cues, no supervisor alerts, no reviews.
// Staff (supervisors, QA reviewers, admins) read every alert of a call they may read, agent-only
// cues included: whether the agent heard and followed its cues is what a QA review checks. Pure.
import { FRUSTRATION_RULE_WORD } from '../../../pipelines/scorecard/index.ts';
import { audienceIncludes, audienceOf } from '../../shared/auth/alert-audience.ts';
import type { Principal } from '../../shared/auth/roles.ts';
import { withLifecycles, type CallEndFacts, type StoredAlert } from '../store/alert-lifecycle.ts';

/** Where one agent had a transferred call (GET /calls/{id} `legs`). */
export interface ViewerLeg {
  agentId: string;
  fromMs: number;
  toMs: number | null;
}

/** The alert fired (audio time) inside a leg of the agent `p`. */
const inOwnLeg = (p: Principal, startMs: number, legs: readonly ViewerLeg[]) =>
  legs.some((l) => l.agentId === p.agentId && startMs >= l.fromMs && (l.toMs === null || startMs < l.toMs));

/**
 * The call store keeps an alert's audience list comma-joined (`agent,supervisor`). On a call with
 * several legs an agent gets the cues of their own legs only: the alert service sent a cue to the
 * agent it was fired to, and the previous agent's stayed theirs (`legs` absent: one agent).
 */
export function seesAlert(
  p: Principal,
  alert: { audience: string; startMs?: number },
  legs?: readonly ViewerLeg[],
): boolean {
  if (p.role !== 'agent') return true;
  if (!audienceIncludes(p, audienceOf(alert.audience.split(',')))) return false;
  return (
    legs === undefined || legs.length < 2 || alert.startMs === undefined || inOwnLeg(p, alert.startMs, legs)
  );
}

/** Reviews are supervisor-directed: agents do not read their reviewers' notes. */
export function seesReviews(p: Principal): boolean {
  return audienceIncludes(p, 'supervisor');
}

export function visibleAlerts<A extends { audience: string; startMs?: number }>(
  p: Principal,
  alerts: A[],
  legs?: readonly ViewerLeg[],
): A[] {
  return alerts.filter((alert) => seesAlert(p, alert, legs));
}

interface ViewedAlert {
  audience: string;
  startMs?: number;
  ruleId?: string;
  firedAt: string;
  acknowledgement: { at: string } | null;
}

const isFrustration = (alert: ViewedAlert) => alert.ruleId?.includes(FRUSTRATION_RULE_WORD) === true;

/**
 * The summary's alert measures over the alerts the viewer sees: the stored summary counts every
 * alert of the call, which would tell an agent how many supervisor-only alerts it raised. The
 * de-escalation times (one per frustration alert, in start order: pipelines/scorecard) keep the
 * visible alerts' entries.
 */
function summaryOverAlerts(
  summary: unknown,
  all: readonly ViewedAlert[],
  shown: readonly ViewedAlert[],
): unknown {
  if (summary === null || typeof summary !== 'object' || !('alertsCount' in summary)) return summary;
  const acked = shown.filter((a) => a.acknowledgement !== null);
  const deEscalation = (summary as { deEscalationS?: unknown }).deEscalationS;
  const frustrations = all.filter(isFrustration);
  return {
    ...summary,
    alertsCount: shown.length,
    alertsAcknowledged: acked.length,
    ackDelaysS: acked.map((a) =>
      Math.max(0, (Date.parse((a.acknowledgement as { at: string }).at) - Date.parse(a.firedAt)) / 1000),
    ),
    ...(Array.isArray(deEscalation) && deEscalation.length === frustrations.length
      ? { deEscalationS: deEscalation.filter((_, i) => shown.includes(frustrations[i])) }
      : { deEscalationS: [] }),
  };
}

/**
 * The scorecard as a viewer who was not shown every alert reads it: the parts measured over
 * alerts it did not see are hidden (alert handling; de-escalation when a hidden alert is a
 * frustration one); the score, a measure of the whole call, stays (SECURITY.md, known gaps).
 */
function scorecardOverAlerts(scorecard: unknown, hiddenFrustration: boolean): unknown {
  const parts = (scorecard as { parts?: unknown } | null)?.parts;
  if (!Array.isArray(parts)) return scorecard;
  const hidden = new Set(['alertHandling', ...(hiddenFrustration ? ['deEscalation'] : [])]);
  return {
    ...(scorecard as object),
    parts: parts.map((part: { name?: string }) =>
      hidden.has(part.name ?? '') ? { ...part, value: null, measure: null } : part,
    ),
  };
}

/** A call list item or call detail as the principal may read it. */
export function callForViewer<
  C extends {
    reviewScore: number | null;
    alerts?: ViewedAlert[];
    reviews?: unknown[];
    summary?: unknown;
    scorecard?: unknown;
    legs?: readonly ViewerLeg[];
  },
>(p: Principal, call: C): C {
  const legs = call.legs;
  if (seesReviews(p) && (!call.alerts || call.alerts.every((alert) => seesAlert(p, alert, legs))))
    return call;
  const out = { ...call };
  if (!seesReviews(p)) {
    out.reviewScore = null;
    if (out.reviews) out.reviews = [];
  }
  if (out.alerts) {
    out.alerts = visibleAlerts(p, out.alerts, legs);
    const all = call.alerts as ViewedAlert[];
    if (out.alerts.length < all.length) {
      const shown = out.alerts;
      out.summary = summaryOverAlerts(out.summary, all, shown);
      const hiddenFrustration = all.some((alert) => isFrustration(alert) && !shown.includes(alert));
      out.scorecard = scorecardOverAlerts(out.scorecard, hiddenFrustration);
      // What became of an alert is told from the alerts this reader sees only: an escalation or
      // a recovery they were not shown is not named (alert-lifecycle.ts).
      if (shown.some((alert) => 'lifecycle' in alert))
        out.alerts = withLifecycles(
          shown as unknown as StoredAlert[],
          call as unknown as CallEndFacts,
        ) as unknown as ViewedAlert[];
    }
    // Verdicts are reviewers' judgements, with their reasons: as the notes, not for agents.
    if (!seesReviews(p))
      out.alerts = out.alerts.map((alert) => ('verdict' in alert ? { ...alert, verdict: null } : alert));
  }
  return out;
}

const ALERTS_KEY = ',"alerts":';

/**
 * The timeline JSON text as the principal may read it. The text is large (a 30-minute call: ~9 000
 * points) and `alerts` is its last key (store/timeline.ts builds it so): only that tail is parsed,
 * and the text is rebuilt only when an alert must go. Inside JSON strings every quote is escaped,
 * so `,"alerts":` can only be the key itself.
 */
export function timelineForViewer(p: Principal, json: string, legs?: readonly ViewerLeg[]): string {
  const at = json.indexOf(ALERTS_KEY);
  if (at < 0 || !json.endsWith(']}')) {
    const timeline = JSON.parse(json) as { alerts: { audience: string; startMs?: number }[] };
    return JSON.stringify({ ...timeline, alerts: visibleAlerts(p, timeline.alerts, legs) });
  }
  const alerts = JSON.parse(json.slice(at + ALERTS_KEY.length, -1)) as {
    audience: string;
    startMs?: number;
  }[];
  const visible = visibleAlerts(p, alerts, legs);
  return visible.length === alerts.length
    ? json
    : `${json.slice(0, at)}${ALERTS_KEY}${JSON.stringify(visible)}}`;
}
