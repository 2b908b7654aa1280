/// <reference lib="dom" />
// "What moves CSAT": the survey report of GET /reports/csat — per measure the rank correlation with
// CSAT and NPS, its 95 % interval drawn on a −1..1 scale, n, and whether it survives testing every
// measure; then the cross-validated model against the predict-the-mean baseline; over the calls
// started in the chosen period (#/reports/csat?days=N, `all`; report-period.ts). I/O: QA API, DOM.
import type { Correlation, CsatReport } from '../../../pipelines/surveys/report.ts';
import { api } from './api.ts';
import { el, fmt, when } from './dom.ts';
import { DEFAULT_DAYS, periodPicker, periodStart } from './report-period.ts';

/** The interval as a band on −1..1 with the point estimate; 0 marked. */
function intervalBar(c: Correlation): HTMLElement {
  const at = (v: number) => `${((v + 1) / 2) * 100}%`;
  const bar = el('span', { class: 'ci-scale', 'aria-hidden': 'true' }, el('span', { class: 'ci-zero' }));
  if (c.ci95 && c.rho !== null) {
    const band = el('span', { class: 'ci-band' });
    band.style.left = at(c.ci95[0]);
    band.style.width = `${((c.ci95[1] - c.ci95[0]) / 2) * 100}%`;
    const dot = el('span', { class: 'ci-dot' });
    dot.style.left = at(c.rho);
    bar.append(band, dot);
  }
  return bar;
}

function cell(c: Correlation): HTMLElement {
  const text =
    c.rho === null
      ? `— (n ${c.n})`
      : `ρ ${fmt(c.rho)} [${fmt(c.ci95?.[0])}, ${fmt(c.ci95?.[1])}] n ${c.n}${c.evidence ? ' ✱' : ''}`;
  return el('td', { class: c.evidence ? 'evidence' : undefined }, intervalBar(c), ' ', text);
}

function modelCard(report: CsatReport): HTMLElement {
  const m = report.model;
  if (!m) return el('p', { class: 'card muted' }, 'Not enough surveyed calls for a model of CSAT.');
  const verdict = m.beatsBaseline
    ? 'predicts CSAT better than the mean'
    : 'does not predict CSAT better than the mean';
  return el(
    'section',
    { class: 'card', 'data-testid': 'csat-model' },
    el('h2', {}, 'Model of CSAT from these measures'),
    el(
      'p',
      {},
      `Ridge regression, ${m.folds}-fold cross-validated over ${m.n} calls: error ${fmt(m.rmse)} `,
      `against ${fmt(m.baselineRmse)} for always predicting the mean (R² ${fmt(m.r2)}). The model ${verdict}`,
      ` (gain per call ${fmt(m.gain.mean, 3)}, 95 % interval [${fmt(m.gain.ci95?.[0], 3)}, ${fmt(m.gain.ci95?.[1], 3)}]).`,
    ),
  );
}

/** `current`: false once the reviewer went elsewhere (another period, a call): the answer is dropped. */
export async function showCsatReport(
  root: HTMLElement,
  days: number | null = DEFAULT_DAYS,
  current: () => boolean = () => true,
): Promise<void> {
  const from = periodStart(days);
  const report = await api<CsatReport>(
    from ? `/reports/csat?from=${encodeURIComponent(from)}` : '/reports/csat',
  );
  if (!current()) return;
  const rows = report.measures.map((m) =>
    el(
      'tr',
      { class: 'measure-row', 'data-measure': m.name },
      el('td', {}, m.label),
      cell(m.csat),
      cell(m.nps),
    ),
  );
  root.replaceChildren(
    el(
      'section',
      { class: 'card' },
      el('h1', {}, 'What moves CSAT and NPS'),
      periodPicker(days, '#/reports/csat', 'csat-period'),
      el(
        'p',
        { class: 'meta' },
        from ? `Calls started since ${when(from)}: ` : 'Every call kept: ',
        `${report.calls} surveyed calls (${report.withCsat} with CSAT, ${report.withNps} with NPS). `,
        'Spearman rank correlation of each measure with the survey score; the bar shows its bootstrap ',
        `95 % interval on −1…1 (the line is 0). ✱: the association holds when every measure is tested `,
        `at once (${fmt(report.familyLevel * 100, 2)} % intervals). Correlation, not cause.`,
      ),
    ),
    modelCard(report),
    el(
      'table',
      { 'data-testid': 'csat-report' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Measure'), el('th', {}, 'CSAT'), el('th', {}, 'NPS'))),
      el('tbody', {}, ...rows),
    ),
  );
}
