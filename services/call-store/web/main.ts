/// <reference lib="dom" />
// Entry of the QA review page: hash routes (#/ = search, #/calls/<id> = one call, #/customers/<ref>
// = one customer's calls, #/reports/csat = what moves CSAT, #/reports/alert-precision = how often
// each rule was right) and the token panel when no token is
// stored. I/O: DOM, QA API.
import {
  api,
  ApiError,
  claims,
  describeError,
  LOGIN_PATH,
  refusalReason,
  setToken,
  SIGNED_OUT_EVENT,
  token,
  revokeToken,
} from './api.ts';
import { showCall } from './call-view.ts';
import { showCsatReport } from './csat-report-view.ts';
import { showAlertPrecision } from './alert-precision-view.ts';
import { reportDays } from './report-period.ts';
import { showCustomer } from './customer-view.ts';
import { el } from './dom.ts';
import { showList } from './list-view.ts';
import { clearListFilters } from './list-filters.ts';
import { clearDrafts } from './review-draft.ts';
import './style.css';

const app = document.getElementById('app') as HTMLElement;
let cleanup: () => void = () => undefined;

/** The tab's title; a view's name goes before it (settleView). */
const TITLE = 'QA review · voice-analytics';

/** The sign-in form; `reason` says why it is back (a refused or expired token). */
function signIn(reason = refusalReason()): void {
  document.title = `Sign in · ${TITLE}`;
  const username = el('input', {
    id: 'username',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
  });
  const password = el('input', {
    id: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const status = el(
    'p',
    { class: 'form-status', role: 'status' },
    reason ? `Please sign in again (${reason}).` : '',
  );
  const form = el(
    'form',
    { class: 'card sign-in' },
    el('h1', {}, 'Sign in'),
    el('label', { for: 'username' }, 'User'),
    username,
    el('label', { for: 'password' }, 'Password'),
    password,
    el('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const { token: issued } = await api<{ token: string }>(LOGIN_PATH, {
        method: 'POST',
        body: JSON.stringify({ username: username.value, password: password.value }),
      });
      setToken(issued);
      void route();
    } catch (error) {
      status.textContent = (error as Error).message;
      password.value = '';
      password.focus();
    }
  });
  const pasted = el('textarea', { rows: 3, id: 'token', 'aria-label': 'Access token' });
  const tokenForm = el(
    'form',
    { class: 'card' },
    el(
      'p',
      {},
      'Or paste an access token issued by your sign-in service (QA reviewer, supervisor, agent or admin).',
    ),
    pasted,
    el('button', { type: 'submit' }, 'Use token'),
  );
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(pasted.value.trim());
    void route();
  });
  app.replaceChildren(form, tokenForm);
}

/**
 * The view's name in the tab's title, and, after a navigation, the keyboard focus on its heading:
 * a screen-reader user heard nothing of a new view, and Tab started again at the page's top (the
 * whole app was one live region, read out in full at every change: no longer).
 */
function settleView(focusHeading: boolean): void {
  const heading = app.querySelector('h1');
  document.title = heading?.textContent ? `${heading.textContent} · ${TITLE}` : TITLE;
  if (heading && focusHeading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/** Bumped by each route(): a view whose request answers after the reviewer moved on is dropped. */
let routeSeq = 0;

/** How long a report refused as busy waits before it is asked again. */
const BUSY_RETRY_MS = 5_000;

/**
 * A heavy report (CSAT, alert precision) runs one per tenant at a time (store/report-gate.ts): one
 * refused 503 DATABASE_BUSY is asked again while the reviewer stays, saying so. The report the page
 * had just dropped (another period picked before it answered) still holds the tenant's slot on the
 * server, and its refusal was shown as an error card, nothing retried (review revpen31).
 */
async function untilNotBusy(show: () => Promise<void>, current: () => boolean): Promise<void> {
  for (;;) {
    try {
      return await show();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'DATABASE_BUSY' || !current()) throw error;
      app.replaceChildren(
        el(
          'p',
          { class: 'card muted', role: 'status' },
          'Another report of your organisation is running: this one is asked again in a few seconds…',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
      if (!current()) return;
    }
  }
}

/** `navigated`: the reviewer moved to this view (a link, back), not the page's first load. */
async function route(navigated = false): Promise<void> {
  const mine = ++routeSeq;
  const current = (): boolean => mine === routeSeq;
  cleanup();
  cleanup = () => undefined;
  const who = document.getElementById('who') as HTMLElement;
  if (!token()) return signIn();
  const c = claims();
  // The survey report is staff's (the API refuses agents): an agent saw the link and got a 403.
  (document.getElementById('nav-csat') as HTMLElement).hidden = c?.role === 'agent';
  (document.getElementById('nav-precision') as HTMLElement).hidden = c?.role === 'agent';
  who.replaceChildren(
    `${c?.sub ?? '?'} (${c?.role ?? '?'}, ${c?.tenant ?? '?'}) `,
    el(
      'button',
      {
        type: 'button',
        onclick: () =>
          void revokeToken().then((done) => {
            if (!done) {
              window.alert(
                'Sign-out was not recorded on the server, so this sign-in still works: try again in a moment (closing the tab also forgets it here).',
              );
              return;
            }
            setToken(null);
            clearDrafts();
            clearListFilters();
            void route();
          }),
      },
      'Sign out',
    ),
  );
  // `?tenant=` names the call's tenant for an admin of every tenant (api.ts callHref).
  const match = /^#\/calls\/([^?]+)(?:\?tenant=(.+))?$/.exec(location.hash);
  const customer = /^#\/customers\/([^?]+)(?:\?tenant=(.+))?$/.exec(location.hash);
  const report = /^#\/reports\/csat(?:\?days=([^&]*))?$/.exec(location.hash);
  const precision = /^#\/reports\/alert-precision(?:\?days=([^&]*))?$/.exec(location.hash);
  const tenantOf = (m: RegExpExecArray): string | null => (m[2] ? decodeURIComponent(m[2]) : null);
  // A call, a customer or the report is one request away: say so at once (the list stayed on the
  // screen for the whole request after a call was clicked).
  const loading = (): void =>
    app.replaceChildren(el('p', { class: 'card muted', role: 'status' }, 'Loading…'));
  try {
    if (match) {
      loading();
      cleanup = await showCall(app, decodeURIComponent(match[1]), tenantOf(match));
    } else if (customer) {
      loading();
      await showCustomer(app, decodeURIComponent(customer[1]), tenantOf(customer));
    } else if (report) {
      loading();
      await untilNotBusy(() => showCsatReport(app, reportDays(report[1]), current), current);
    } else if (precision) {
      loading();
      await untilNotBusy(() => showAlertPrecision(app, reportDays(precision[1]), current), current);
    } else showList(app);
    if (!current()) return;
    settleView(navigated);
  } catch (error) {
    if (!current()) return; // a failure of a view the reviewer already left
    const status = (error as { status?: number }).status;
    if (status === 401) return signIn((error as Error).message);
    // `#/calls/%E0%A4%A`: the browser's "URI malformed" said nothing to a reviewer.
    const shown =
      error instanceof URIError
        ? new Error('This link is damaged: the call or customer it names is not readable')
        : error;
    // With a way back: a call that is not there (or not in scope) left the reviewer on a dead end.
    const card = el(
      'p',
      { class: 'card error', role: 'alert', tabindex: -1 },
      describeError(shown),
      ' ',
      el('a', { href: '#/' }, 'Back to the calls'),
    );
    app.replaceChildren(card);
    // Not the previous view's name on a page that says it failed; the focus on what it says.
    document.title = `Error · ${TITLE}`;
    if (navigated) card.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', () => void route(true));
// A view that caught its own 401 (the call list) still leaves for the sign-in form.
window.addEventListener(SIGNED_OUT_EVENT, (event) => {
  cleanup();
  cleanup = () => undefined;
  document.getElementById('who')?.replaceChildren();
  signIn(String((event as CustomEvent).detail ?? ''));
});
void route();
