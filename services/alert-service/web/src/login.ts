/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Login page: posts the demo credentials to /api/login, keeps the token in sessionStorage (never
// in the URL) and opens the wallboard (supervisors, admins) or the agent view (agents).
import { saveToken, SIGN_IN_REASONS } from './live-socket.ts';

const form = document.getElementById('login-form') as HTMLFormElement;
const error = document.getElementById('login-error') as HTMLParagraphElement;
const reason = new URLSearchParams(location.search).get('reason');
if (reason !== null && Object.hasOwn(SIGN_IN_REASONS, reason))
  error.textContent = SIGN_IN_REASONS[reason as keyof typeof SIGN_IN_REASONS];

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  error.textContent = '';
  // Said here, in words, rather than by the server's JSON-shape message.
  if (String(data.get('username') ?? '').trim() === '' || String(data.get('password') ?? '') === '') {
    error.textContent = 'Enter your username and password.';
    return;
  }
  fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: String(data.get('username') ?? ''),
      password: String(data.get('password') ?? ''),
    }),
  })
    .then(async (response) => {
      const body = (await response.json()) as { token?: string; role?: string; message?: string };
      if (!response.ok || !body.token) {
        error.textContent = body.message ?? 'Sign-in failed.';
        return;
      }
      saveToken(body.token);
      location.assign(body.role === 'agent' ? '/agent.html' : '/wallboard.html');
    })
    .catch(() => (error.textContent = 'The server cannot be reached.'));
});
