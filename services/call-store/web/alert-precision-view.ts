/// <reference lib="dom" />
// "Alert precision": GET /reports/alert-precision as a table — per rule and subject, the alerts
// raised on the calls started in the chosen period (#/reports/alert-precision?days=N, `all`;
// report-period.ts), the reviewers' verdicts on them, and how often the rule was right with its
// Wilson 95 % interval, or "not enough verdicts" rather than a confident figure. I/O: QA API, DOM.
import type { AlertPrecisionReport } from '../store/alert-precision.ts';
import { api } from './api.ts';
import { el, when } from './dom.ts';
import { DEFAULT_DAYS, periodPicker, periodStart } from './report-period.ts';

export const PRECISION_ROUTE = '#/reports/alert-precision';

/** The rule's subject as a reviewer says it. */
const SUBJECT_WORDS: Record<string, string> = { agent: 'agent', customer: 'customer' };

/** 0.7512 → "75 %". */
const percent = (value: number): string => `${Math.round(value * 100)} %`;

function precisionCell(rule: AlertPrecisionReport['rules'][number], minVerdicts: number): HTMLElement {
  if (rule.precision === null || rule.ci95 === null)
    return el(
      'td',
      { class: 'muted' },
      `not enough verdicts (${rule.right + rule.wrong} right or wrong of ${minVerdicts} needed)`,
    );
  return el(
    'td',
    {},
    `${percent(rule.precision)} (95 % interval ${percent(rule.ci95[0])} to ${percent(rule.ci95[1])})`,
  );
}

/** `current`: false once the reviewer went elsewhere: the answer is dropped. */
export async function showAlertPrecision(
  root: HTMLElement,
  days: number | null = DEFAULT_DAYS,
  current: () => boolean = () => true,
): Promise<void> {
  const from = periodStart(days);
  const report = await api<AlertPrecisionReport>(
    from ? `/reports/alert-precision?from=${encodeURIComponent(from)}` : '/reports/alert-precision',
  );
  if (!current()) return;
  const th = (text: string) => el('th', { scope: 'col' }, text);
  const rows = report.rules.map((rule) =>
    el(
      'tr',
      { 'data-rule': rule.ruleId, 'data-subject': rule.subject ?? '' },
      el('th', { scope: 'row' }, rule.ruleId),
      el('td', {}, rule.subject === null ? 'whole call' : (SUBJECT_WORDS[rule.subject] ?? rule.subject)),
      ...[rule.raised, rule.judged, rule.right, rule.wrong, rule.unsure].map((n) => el('td', {}, String(n))),
      precisionCell(rule, report.minVerdicts),
    ),
  );
  root.replaceChildren(
    el(
      'section',
      { class: 'card' },
      el('h1', {}, 'Alert precision'),
      periodPicker(days, PRECISION_ROUTE, 'precision-period'),
      el(
        'p',
        { class: 'meta' },
        from ? `Calls started since ${when(from)}. ` : 'Every call kept. ',
        'How often each rule’s alerts were right, by the verdicts reviewers gave on the call pages: ',
        'precision is right ÷ (right + wrong), with its Wilson 95 % interval; unsure verdicts count as ',
        `judged only. Below ${report.minVerdicts} right-or-wrong verdicts a rule gets no figure. `,
        'An escalation counts as part of its alert.',
      ),
    ),
    report.rules.length === 0
      ? el('p', { class: 'card muted' }, 'No alerts on the calls of this period.')
      : el(
          'div',
          { class: 'table-scroll' },
          el(
            'table',
            { 'data-testid': 'alert-precision' },
            el('caption', {}, 'Alerts and verdicts per rule'),
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                th('Rule'),
                th('Subject'),
                th('Raised'),
                th('Judged'),
                th('Right'),
                th('Wrong (false alarm)'),
                th('Unsure'),
                th('Precision'),
              ),
            ),
            el('tbody', {}, ...rows),
          ),
        ),
  );
}
