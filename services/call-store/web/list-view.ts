/// <reference lib="dom" />
// The search list: filters (time range, agent, queue, customer anger, alerts, trajectory, score),
// sorting, and "more" through the API's cursor. I/O: QA API, DOM.
import { api, callHref, describeError, seesEveryTenant } from './api.ts';
import { clock, el, fmt, localZone, when } from './dom.ts';
import { restoreListFilters, saveListFilters } from './list-filters.ts';

interface CallItem {
  callId: string;
  tenant: string;
  agentId: string;
  queue: string;
  startedAt: string;
  durationMs: number | null;
  status: string;
  customerAngerS: number;
  alertsCount: number;
  unacknowledgedAlerts: number;
  trajectory: number | null;
  score: number | null;
  reviewScore: number | null;
}

const FILTERS: { name: string; label: string; type?: string; options?: string[] }[] = [
  // Local time, as every time on these pages (dom.ts `when` names the zone).
  { name: 'from', label: `From (${localZone()})`, type: 'datetime-local' },
  { name: 'to', label: `To (${localZone()})`, type: 'datetime-local' },
  { name: 'agentId', label: 'Agent' },
  { name: 'queue', label: 'Queue' },
  { name: 'minCustomerAngerS', label: 'Customer angry ≥ s', type: 'number' },
  { name: 'alerts', label: 'Alerts', options: ['', 'fired', 'unacknowledged', 'none'] },
  { name: 'trajectory', label: 'Trajectory', options: ['', 'improved', 'worsened'] },
  { name: 'minScore', label: 'Score ≥', type: 'number' },
  { name: 'maxScore', label: 'Score ≤', type: 'number' },
  { name: 'sort', label: 'Sort by', options: ['startedAt', 'score', 'customerAngerS', 'durationMs'] },
  { name: 'order', label: 'Order', options: ['desc', 'asc'] },
];

/** Options shown in words (the sort keys are the API's names). */
const OPTION_WORDS: Record<string, string> = {
  startedAt: 'start time',
  score: 'score',
  customerAngerS: 'customer anger',
  durationMs: 'duration',
  desc: 'descending',
  asc: 'ascending',
};

function row(call: CallItem): HTMLElement {
  return el(
    'tr',
    { class: 'call-row', 'data-call-id': call.callId },
    el('td', {}, el('a', { href: callHref(call.callId, call.tenant) }, call.callId)),
    // Two tenants may use one call id: an admin of every tenant sees whose each row is.
    seesEveryTenant() ? el('td', { class: 'tenant' }, call.tenant) : null,
    // Cut to a width (the whole name on hover): one 200-character agent id pushed every other
    // column off screen for every row (locale probe).
    el('td', { class: 'name', title: call.agentId }, call.agentId),
    el('td', { class: 'name', title: call.queue }, call.queue),
    el('td', {}, when(call.startedAt)),
    el('td', {}, call.durationMs === null ? call.status : clock(call.durationMs / 1000)),
    el('td', {}, fmt(call.customerAngerS, 0)),
    el(
      'td',
      {},
      `${call.alertsCount}${call.unacknowledgedAlerts > 0 ? ` (${call.unacknowledgedAlerts} unacked)` : ''}`,
    ),
    el('td', {}, fmt(call.trajectory)),
    el(
      'td',
      {},
      call.score === null ? '—' : String(call.score),
      call.reviewScore !== null ? ` / ${call.reviewScore}` : '',
    ),
  );
}

export function showList(root: HTMLElement): void {
  const inputs = FILTERS.map((f) => {
    const input = f.options
      ? el(
          'select',
          { name: f.name, id: `f-${f.name}` },
          ...f.options.map((o) => el('option', { value: o }, OPTION_WORDS[o] ?? (o || 'any'))),
        )
      : el('input', {
          name: f.name,
          id: `f-${f.name}`,
          type: f.type ?? 'text',
          min: f.type === 'number' ? 0 : undefined,
        });
    return el('label', { for: `f-${f.name}` }, f.label, input);
  });
  const body = el('tbody', {});
  const status = el('p', { class: 'form-status', role: 'status' });
  const more = el('button', { type: 'button', hidden: true }, 'More');
  let cursor: string | null = null;
  /** The search whose results the table lists: "More" goes on with it, whatever the form says now. */
  let listed = new URLSearchParams();
  const form = el('form', { class: 'filters' }, ...inputs, el('button', { type: 'submit' }, 'Search'));
  /** The form as query parameters; null (and the reason shown) when a time is out of range. */
  const query = (): URLSearchParams | null => {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (value === '') continue;
      if (key === 'from' || key === 'to') {
        const time = new Date(String(value));
        // The browser takes years up to 275760, past what toISOString can write: the API's
        // own bounds, said before asking.
        if (!(time.getUTCFullYear() >= 1970 && time.getUTCFullYear() <= 9999)) {
          status.textContent = `${key === 'from' ? 'From' : 'To'}: must be a time from 1970 to 9999`;
          return null;
        }
        params.set(key, time.toISOString());
      } else params.set(key, String(value));
    }
    return params;
  };
  /** Bumped by every load: an answer to an earlier one (a Search overtook it) is dropped. */
  let generation = 0;
  const load = async (append: boolean) => {
    const params = append ? new URLSearchParams(listed) : query();
    if (params === null) return;
    if (append && cursor) params.set('cursor', cursor);
    const mine = ++generation;
    // One page at a time: a second click would fetch the same cursor again (duplicate rows).
    more.disabled = true;
    status.textContent = 'Loading…';
    try {
      const page = await api<{ calls: CallItem[]; nextCursor: string | null }>(`/calls?${params}`);
      if (mine !== generation) return;
      if (!append) {
        body.replaceChildren();
        listed = params;
      }
      body.append(...page.calls.map(row));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      status.textContent = body.children.length === 0 ? 'No calls match.' : '';
    } catch (error) {
      if (mine === generation) status.textContent = describeError(error);
    } finally {
      if (mine === generation) more.disabled = false;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveListFilters(form);
    void load(false);
  });
  restoreListFilters(form);
  more.addEventListener('click', () => void load(true));
  root.replaceChildren(
    el('h1', {}, 'Calls'),
    form,
    status,
    // On a phone the table scrolls sideways in its own box; the page stays the screen's width.
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'calls', 'data-testid': 'call-list' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...[
              'call',
              ...(seesEveryTenant() ? ['tenant'] : []),
              'agent',
              'queue',
              'started',
              'duration',
              'anger s',
              'alerts',
              'trajectory',
              'score / review',
            ].map((h) => el('th', {}, h)),
          ),
        ),
        body,
      ),
    ),
    more,
  );
  void load(false);
}
