/// <reference lib="dom" />
// Entry of the QA review page: hash routes (#/ = search, #/calls/<id> = one call) and the token
// panel when no token is stored. I/O: DOM, QA API.
import { claims, setToken, token } from './api.ts';
import { showCall } from './call-view.ts';
import { el } from './dom.ts';
import { showList } from './list-view.ts';
import './style.css';

const app = document.getElementById('app') as HTMLElement;
let cleanup: () => void = () => undefined;

function signIn(): void {
  const input = el('textarea', { rows: 3, id: 'token', 'aria-label': 'Access token' });
  const form = el(
    'form',
    { class: 'card' },
    el('h1', {}, 'Sign in'),
    el(
      'p',
      {},
      'Sign in on the login page of the alert service, or paste an access token (QA reviewer, supervisor, agent or admin).',
    ),
    input,
    el('button', { type: 'submit' }, 'Use token'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    void route();
  });
  app.replaceChildren(form);
}

async function route(): Promise<void> {
  cleanup();
  cleanup = () => undefined;
  const who = document.getElementById('who') as HTMLElement;
  if (!token()) return signIn();
  const c = claims();
  who.replaceChildren(
    `${c?.sub ?? '?'} (${c?.role ?? '?'}, ${c?.tenant ?? '?'}) `,
    el(
      'button',
      {
        type: 'button',
        onclick: () => {
          setToken(null);
          void route();
        },
      },
      'Sign out',
    ),
  );
  const match = /^#\/calls\/(.+)$/.exec(location.hash);
  try {
    if (match) cleanup = await showCall(app, decodeURIComponent(match[1]));
    else showList(app);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401) {
      setToken(null);
      return signIn();
    }
    app.replaceChildren(el('p', { class: 'card error', role: 'alert' }, (error as Error).message));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
