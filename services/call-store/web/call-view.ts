/// <reference lib="dom" />
// One call's review page: metadata, the scorecard with its parts, the timeline, the alerts with
// what became of them and their verdicts, the reviewers' notes and the form to add one. I/O: QA API, DOM.
import { api, claims, describeError, seesEveryTenant, tenantParam } from './api.ts';
import { clock, el, fmt, when } from './dom.ts';
import { legsCard, type Leg } from './legs-view.ts';
import { callLinksLine, type CallLinks } from './call-links-view.ts';
import { renderTimeline, type TimelineData } from './timeline.ts';
import { loadDraft, saveDraft } from './review-draft.ts';
import { isolate } from '../../shared/bidi-isolate.ts';
import { lifecycleText, type AlertLifecycle } from './alert-lifecycle-view.ts';
import { verdictBlock, type AlertVerdict } from './alert-verdict-view.ts';

interface Part {
  name: string;
  weight: number;
  value: number | null;
  measure: number | null;
  unit: string;
  explanation: string;
}
interface Review {
  reviewId: string;
  reviewer: string;
  notes: string;
  scoreOverride: number | null;
  createdAt: string;
}
interface CallDetail extends CallLinks {
  callId: string;
  agentId: string;
  queue: string;
  tenant: string;
  startedAt: string;
  durationMs: number | null;
  status: string;
  endReason: string | null;
  source: string;
  score: number | null;
  reviewScore: number | null;
  customerAngerS: number;
  storeFeatures: boolean;
  customerRef: string | null;
  scorecard: { score: number | null; unscored?: string | null; parts: Part[] } | null;
  /** Absent from a store older than migration 019. */
  legs?: Leg[];
  /** The call's measures (absent while live); holdS / holdCount only in summaries since hold. */
  summary: { holdS?: number; holdCount?: number; customerLineFaultS?: number } | null;
  alerts: (TimelineData['alerts'][number] & {
    audience: string;
    evidence: string[];
    /** Absent from a store older than the lifecycle. */
    lifecycle?: AlertLifecycle;
    /** The QA verdict (null: not judged; absent: a store older than migration 024). */
    verdict?: AlertVerdict | null;
  })[];
  reviews: Review[];
}

/** What each scorecard part is called on the page (the API's names are identifiers). */
const PART_LABELS: Record<string, string> = {
  customerTrajectory: 'Customer mood trend',
  customerNegativeShare: 'Customer negative speech',
  deEscalation: 'De-escalation',
  agentPace: 'Agent pace',
  agentTension: 'Agent vocal tension',
  overtalk: 'Overtalk',
  mutualSilence: 'Mutual silence',
  talkRatio: 'Talk ratio',
  alertHandling: 'Alert handling',
};

/** "on hold 20 s (1 hold) · " when the call was on hold; its silence measures leave hold out. */
function onHold(call: CallDetail): string {
  const count = call.summary?.holdCount ?? 0;
  if (count === 0) return '';
  return `on hold ${fmt(call.summary?.holdS ?? 0, 0)} s (${count} ${count === 1 ? 'hold' : 'holds'}) · `;
}

/**
 * "customer line suspected one-way for 46 s · " when the customer's line was suspected one-way: a
 * line fault, not a silent customer (silence not scored, talk ratio over the rest of the call).
 * The time counts from the fault's recognition, 20 s or more after the line went quiet: a
 * suspicion for that long, not the line's silence (which "silent 46 s" undercounted).
 */
function lineFault(call: CallDetail): string {
  const seconds = call.summary?.customerLineFaultS ?? 0;
  return seconds > 0 ? `customer line suspected one-way for ${fmt(seconds, 0)} s · ` : '';
}

/** A part's measured value; a de-escalation with no time measured never happened ("— s" said nothing). */
function measured(p: Part): string {
  if (p.measure === null && p.value !== null && p.name === 'deEscalation') return 'never';
  return `${fmt(p.measure)} ${p.unit}`;
}

function scorecard(call: CallDetail): HTMLElement {
  const parts = call.scorecard?.parts ?? [];
  return el(
    'section',
    { class: 'card', 'data-testid': 'scorecard' },
    el('h2', {}, 'Scorecard'),
    el(
      'p',
      { class: 'score' },
      el(
        'strong',
        {},
        call.score !== null
          ? `${call.score} / 100`
          : call.scorecard?.unscored
            ? 'not scored'
            : 'not scored yet',
      ),
      call.score === null && call.scorecard?.unscored ? `: ${call.scorecard.unscored}` : '',
      call.reviewScore !== null ? ` · reviewer: ${call.reviewScore}` : '',
    ),
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'part'),
          el('th', {}, 'weight'),
          el('th', {}, 'value'),
          el('th', {}, 'measured'),
          el('th', {}, 'how'),
        ),
      ),
      el(
        'tbody',
        {},
        ...parts.map((p) =>
          el(
            'tr',
            { class: p.value === null ? 'na' : '' },
            el('td', { title: p.name }, PART_LABELS[p.name] ?? p.name),
            el('td', {}, String(p.weight)),
            el(
              'td',
              {},
              p.value === null ? 'n/a' : el('span', { class: 'bar', style: `--v:${p.value}` }, fmt(p.value)),
            ),
            el('td', {}, measured(p)),
            el('td', { class: 'why' }, p.explanation),
          ),
        ),
      ),
    ),
  );
}

/** An alert's life in words (alert-lifecycle-view.ts), over the alerts of the call this reader sees. */
function lifeOf(call: CallDetail, life: AlertLifecycle): string {
  const raisedAt = (alertId: string) => call.alerts.find((a) => a.alertId === alertId)?.startMs ?? null;
  return lifecycleText(life, call.status === 'live', raisedAt);
}

/** The timeline's alerts (its stored JSON may predate the lifecycle) with each one's life in words. */
function withLives(call: CallDetail, timeline: TimelineData): TimelineData {
  const lives = new Map(
    call.alerts.map((a) => [a.alertId, a.lifecycle ? lifeOf(call, a.lifecycle) : undefined]),
  );
  return { ...timeline, alerts: timeline.alerts.map((a) => ({ ...a, life: lives.get(a.alertId) })) };
}

/**
 * The call's alerts counted as the QA figures count them (pipelines/scorecard/alert-episodes.ts):
 * an escalation of a listed alert is part of that alert's episode, not a second alert; it stays in
 * the list below, as what became of its alert.
 */
function episodeCount(call: CallDetail): number {
  const listed = new Set(call.alerts.map((a) => a.alertId));
  return call.alerts.filter((a) => !a.lifecycle?.escalationOf || !listed.has(a.lifecycle.escalationOf))
    .length;
}

function alertList(call: CallDetail, tenant: string | null): HTMLElement {
  return el(
    'section',
    { class: 'card', 'data-testid': 'alerts' },
    el('h2', {}, `Alerts (${episodeCount(call)})`),
    call.alerts.length === 0
      ? el('p', {}, 'No alerts on this call.')
      : el(
          'ul',
          {},
          ...call.alerts.map((a, index) =>
            el(
              'li',
              { id: `alert-${a.alertId}` },
              el('strong', {}, `${clock(a.startMs / 1000)} ${a.severity}`),
              ` ${a.message} `,
              el('span', { class: 'muted' }, `(${a.ruleId}; ${a.evidence.join('; ')})`),
              // Its life on a line of its own (the API's lifecycle; an older store: its acknowledgement).
              a.lifecycle
                ? el(
                    'div',
                    { class: 'alert-life', 'data-testid': 'alert-lifecycle' },
                    lifeOf(call, a.lifecycle),
                  )
                : ' — ',
              a.lifecycle
                ? null
                : a.acknowledgement
                  ? `acknowledged by ${a.acknowledgement.by} at ${when(a.acknowledgement.at)}`
                  : el('em', {}, 'not acknowledged'),
              verdictBlock(call, a, index, tenant),
            ),
          ),
        ),
  );
}

function reviews(call: CallDetail, tenant: string | null, reload: () => void): HTMLElement {
  const notes = el('textarea', {
    id: 'review-notes',
    rows: 3,
    required: true,
    maxlength: 10000,
    'aria-label': 'Reviewer notes',
  });
  notes.value = loadDraft(call.callId, tenant);
  const override = el('input', {
    id: 'review-score',
    type: 'number',
    min: 0,
    max: 100,
    step: 1,
    'aria-label': 'Score override',
  });
  const status = el('p', { class: 'form-status', role: 'status' });
  const form = el(
    'form',
    { class: 'review-form', 'data-testid': 'review-form' },
    el('label', { for: 'review-notes' }, 'Notes'),
    notes,
    el('label', { for: 'review-score' }, 'Score override (optional, 0–100)'),
    override,
    el('button', { type: 'submit' }, 'Save review'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = 'Saving…';
    try {
      await api(`/calls/${encodeURIComponent(call.callId)}/review${tenantParam(tenant)}`, {
        method: 'POST',
        body: JSON.stringify({
          notes: notes.value,
          scoreOverride: override.value === '' ? null : Number(override.value),
        }),
      });
      saveDraft(call.callId, tenant, '');
      reload();
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  // A message about the last attempt goes once the reviewer changes the form.
  form.addEventListener('input', () => {
    status.textContent = '';
    saveDraft(call.callId, tenant, notes.value);
  });
  return el(
    'section',
    { class: 'card', 'data-testid': 'reviews' },
    el('h2', {}, 'Reviewer notes'),
    el(
      'ul',
      { class: 'reviews' },
      ...call.reviews.map((r) =>
        el(
          'li',
          { class: 'review' },
          el('strong', {}, r.reviewer),
          ` · ${when(r.createdAt)}${r.scoreOverride !== null ? ` · score ${r.scoreOverride}` : ''}`,
          el('p', { class: 'review-notes' }, r.notes),
        ),
      ),
    ),
    // Agents may read their calls but not review them (the API refuses them): no form to fail.
    claims()?.role === 'agent' ? null : form,
  );
}

export async function showCall(
  root: HTMLElement,
  callId: string,
  tenant: string | null = null,
): Promise<() => void> {
  const path = `/calls/${encodeURIComponent(callId)}`;
  const [call, timeline] = await Promise.all([
    api<CallDetail>(`${path}${tenantParam(tenant)}`),
    api<TimelineData>(`${path}/timeline${tenantParam(tenant)}`),
  ]);
  const timelineBox = el(
    'section',
    { class: 'card timeline', 'data-testid': 'timeline' },
    el('h2', {}, 'Timeline'),
  );
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/' }, '← all calls')),
    el('h1', {}, `Call ${call.callId}`),
    el(
      'p',
      { class: 'meta' },
      `agent ${isolate(call.agentId)} · queue ${isolate(call.queue || '—')} · ${when(call.startedAt)} · ${call.durationMs === null ? 'live' : clock(call.durationMs / 1000)} · `,
      `customer anger ${fmt(call.customerAngerS, 0)} s · ${onHold(call)}${lineFault(call)}source: ${call.source} · ${call.status}${call.endReason ? ` (${isolate(call.endReason)})` : ''}`,
      call.customerRef
        ? el(
            'a',
            {
              href: `#/customers/${encodeURIComponent(call.customerRef)}${seesEveryTenant() ? tenantParam(call.tenant) : ''}`,
              'data-testid': 'customer-link',
            },
            ' · customer history →',
          )
        : '',
    ),
    callLinksLine(call),
    call.storeFeatures
      ? timelineBox
      : el(
          'p',
          { class: 'card' },
          'The caller did not consent to storing features: only the summary is kept.',
        ),
    scorecard(call),
    legsCard(call.legs ?? []),
    alertList(call, tenant),
    reviews(call, tenant, () => void showCall(root, callId, tenant)),
  );
  return call.storeFeatures ? renderTimeline(timelineBox, withLives(call, timeline)) : () => undefined;
}
