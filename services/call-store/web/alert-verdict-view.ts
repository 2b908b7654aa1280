/// <reference lib="dom" />
// A reviewer's verdict on one alert, under the alert on the call page: what was judged (by whom,
// when, why) and a small form — right, wrong (a false alarm) or unsure, and an optional one-line
// reason — that PUTs it (the latest verdict replaces the earlier one). Agents get neither: the API
// gives them no verdicts and refuses theirs. I/O: QA API, DOM.
import type { AlertVerdict } from '../store/alert-verdicts.ts';
import { api, claims, describeError, tenantParam } from './api.ts';
import { el, when } from './dom.ts';
import { isolate } from '../../shared/bidi-isolate.ts';

export type { AlertVerdict };

/** The API's bound (store/alert-verdicts.ts MAX_REASON_CHARS), kept here so no store code is bundled. */
const MAX_REASON_CHARS = 500;

const CHOICES: readonly { value: AlertVerdict['verdict']; label: string }[] = [
  { value: 'right', label: 'Right' },
  { value: 'wrong', label: 'Wrong (false alarm)' },
  { value: 'unsure', label: 'Unsure' },
];

/** "Judged wrong by qa-1, 7 Dec 2026 …: raised voice, not anger". */
export function verdictText(verdict: AlertVerdict | null): string {
  if (!verdict) return 'Not judged yet.';
  const label = CHOICES.find((c) => c.value === verdict.verdict)?.label.toLowerCase() ?? verdict.verdict;
  const by = verdict.reviewer.startsWith('erased-agent:') ? 'an erased agent' : isolate(verdict.reviewer);
  return `Judged ${label} by ${by}, ${when(verdict.judgedAt)}${verdict.reason ? `: ${isolate(verdict.reason)}` : ''}`;
}

/**
 * The verdict line and form of one alert. `index`: the alert's place in the list, for unique
 * element ids (alert ids hold characters an id attribute may not want).
 */
export function verdictBlock(
  call: { callId: string },
  alert: { alertId: string; verdict?: AlertVerdict | null },
  index: number,
  tenant: string | null,
): HTMLElement | null {
  // An agent's read has no verdicts and may not judge; a store older than migration 024 has none.
  if (claims()?.role === 'agent' || alert.verdict === undefined) return null;
  const current = alert.verdict;
  const name = `verdict-${index}`;
  const radios = CHOICES.map((c) => {
    const input = el('input', {
      type: 'radio',
      name,
      id: `${name}-${c.value}`,
      value: c.value,
      required: true,
      checked: current?.verdict === c.value,
    });
    return el('label', { for: `${name}-${c.value}`, class: 'verdict-choice' }, input, ` ${c.label}`);
  });
  const reason = el('input', {
    id: `${name}-reason`,
    type: 'text',
    maxlength: MAX_REASON_CHARS,
    size: 40,
  });
  reason.value = current?.reason ?? '';
  const status = el('span', { class: 'form-status', role: 'status' });
  const line = el('p', { class: 'verdict-line', 'data-testid': 'verdict-line' }, verdictText(current));
  const form = el(
    'form',
    { class: 'verdict-form', 'data-testid': 'verdict-form' },
    el(
      'fieldset',
      {},
      el('legend', {}, 'Was this alert right?'),
      ...radios,
      el('label', { for: `${name}-reason` }, ' Reason (optional) '),
      reason,
      ' ',
      el('button', { type: 'submit' }, 'Save verdict'),
      ' ',
      status,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`);
    if (!chosen) return;
    status.textContent = 'Saving…';
    try {
      const saved = await api<AlertVerdict>(
        `/calls/${encodeURIComponent(call.callId)}/alerts/${encodeURIComponent(alert.alertId)}/verdict${tenantParam(tenant)}`,
        { method: 'PUT', body: JSON.stringify({ verdict: chosen.value, reason: reason.value || null }) },
      );
      // This alert's line only: reloading the page dropped what the reviewer had typed in the
      // other alerts' forms and their keyboard focus (review).
      line.textContent = verdictText(saved);
      reason.value = saved.reason ?? '';
      status.textContent = 'Saved.';
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  return el('div', { class: 'alert-verdict' }, line, form);
}
