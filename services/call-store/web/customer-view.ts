/// <reference lib="dom" />
// One customer's history across calls (by pseudonym, never the raw reference): a timeline of the
// calls, oldest to newest, each drawn from the customer's mood at its start to the mood at its end,
// and the list with date, queue, agent, duration, end state, frustration episodes, escalations,
// alerts, score and the survey's CSAT/NPS when one came back, each linking to the call's review page. I/O: QA API, DOM.
import { api, callHref, tenantParam } from './api.ts';
import { EMOTION_COLORS } from './colors.ts';
import { clock, el, fmt, when } from './dom.ts';
import { isolate } from '../../shared/bidi-isolate.ts';

interface MoodEnd {
  state: string | null;
  arousal: number | null;
  valence: number | null;
}
interface HistoryCall {
  callId: string;
  tenant: string;
  agentId: string;
  queue: string;
  startedAt: string;
  durationMs: number | null;
  status: string;
  moodAtStart: MoodEnd;
  moodAtEnd: MoodEnd;
  frustrationEpisodes: number;
  escalations: number;
  alertsCount: number;
  score: number | null;
  survey: { csat: number | null; nps: number | null } | null;
}

/** The survey's answers, when the customer gave any. */
function surveyText(survey: HistoryCall['survey']): string {
  if (!survey) return '';
  const parts = [
    survey.csat === null ? null : `CSAT ${survey.csat}/5`,
    survey.nps === null ? null : `NPS ${survey.nps}/10`,
  ];
  return ` · ${parts.filter(Boolean).join(' · ')}`;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 800;
const HEIGHT = 170;
const PAD = 28;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

const stateColor = (state: string | null) => EMOTION_COLORS[state ?? 'uncertain'] ?? '#e6e6e6';
/** Valence 0..1 → y (positive up); unknown sits on the neutral line. */
const yOf = (valence: number | null) => PAD + (1 - (valence ?? 0.5)) * (HEIGHT - 2 * PAD);

/** Each call a step from its start mood (left dot) to its end mood (right dot), oldest first. */
function timeline(calls: HistoryCall[]): SVGSVGElement {
  const ordered = [...calls].reverse();
  const slot = (WIDTH - 2 * PAD) / Math.max(1, ordered.length);
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'customer-timeline',
    role: 'img',
    'aria-label': 'customer mood at the start and end of each call, oldest first',
  });
  root.append(
    svg('line', { x1: PAD, x2: WIDTH - PAD, y1: yOf(0.5), y2: yOf(0.5), class: 'neutral-line' }),
    Object.assign(svg('text', { x: 2, y: yOf(1) + 4, class: 'axis' }), { textContent: '▲ positive' }),
    Object.assign(svg('text', { x: 2, y: yOf(0) + 4, class: 'axis' }), { textContent: '▼ negative' }),
  );
  ordered.forEach((call, i) => {
    const x1 = PAD + i * slot + slot * 0.25;
    const x2 = PAD + i * slot + slot * 0.75;
    const [y1, y2] = [yOf(call.moodAtStart.valence), yOf(call.moodAtEnd.valence)];
    const group = svg('g', { 'data-call-id': call.callId });
    group.append(
      svg('line', { x1, x2, y1, y2, class: 'mood-step' }),
      svg('circle', { cx: x1, cy: y1, r: 6, fill: stateColor(call.moodAtStart.state), class: 'mood-dot' }),
      svg('circle', { cx: x2, cy: y2, r: 8, fill: stateColor(call.moodAtEnd.state), class: 'mood-dot' }),
      Object.assign(
        svg('text', { x: (x1 + x2) / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'axis' }),
        {
          textContent: new Date(call.startedAt).toLocaleDateString(),
        },
      ),
    );
    root.append(group);
  });
  return root;
}

function moodChip(end: MoodEnd): HTMLElement {
  const chip = el('span', { class: 'mood-chip' }, end.state ?? 'unknown');
  chip.style.borderColor = stateColor(end.state);
  return chip;
}

function callItem(call: HistoryCall): HTMLElement {
  return el(
    'li',
    { class: 'customer-call', 'data-call-id': call.callId },
    el('a', { href: callHref(call.callId, call.tenant) }, when(call.startedAt)),
    ` · ${isolate(call.queue || '—')} · agent ${isolate(call.agentId)} · ${call.durationMs === null ? 'live' : clock(call.durationMs / 1000)} · mood `,
    moodChip(call.moodAtStart),
    ' → ',
    moodChip(call.moodAtEnd),
    ` · valence ${fmt(call.moodAtStart.valence)} → ${fmt(call.moodAtEnd.valence)}`,
    ` · ${call.frustrationEpisodes} frustration episode(s) · ${call.escalations} escalation(s)`,
    ` · ${call.alertsCount} alert(s) · score ${call.score === null ? '—' : call.score}`,
    surveyText(call.survey),
  );
}

export async function showCustomer(
  root: HTMLElement,
  ref: string,
  tenant: string | null = null,
): Promise<void> {
  const history = await api<{ customerRef: string; calls: HistoryCall[] }>(
    `/customers/${encodeURIComponent(ref)}/calls${tenantParam(tenant)}`,
  );
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/' }, '← all calls')),
    el('h1', {}, 'Customer history'),
    el(
      'p',
      { class: 'meta' },
      `${history.calls.length} call(s) · pseudonymous customer ${ref.slice(0, 14)}… (the raw reference is never stored)`,
    ),
    el(
      'section',
      { class: 'card', 'data-testid': 'customer-timeline' },
      el('h2', {}, 'Mood at the start and end of each call'),
      timeline(history.calls),
    ),
    el(
      'section',
      { class: 'card' },
      el('h2', {}, 'Calls, newest first'),
      el('ol', { class: 'customer-calls', 'data-testid': 'customer-calls' }, ...history.calls.map(callItem)),
    ),
  );
}
