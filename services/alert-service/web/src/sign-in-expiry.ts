/// <reference lib="dom" />
// A sign-in ends TOKEN_TTL_S (8 h by default) after it was made, and nothing renews it: a page
// whose token expired mid-call went straight to the login page, so an agent on overtime lost the
// live cues in the middle of a conversation without warning. The page now says when the sign-in
// ends, from WARN_BEFORE_MS before, so the person signs in again between calls. Reads the token's
// `exp` claim (not a secret: it is in the token the page already holds). Pure apart from the DOM.
import { token } from './live-socket.ts';
import { onServerClockChange, serverNow } from './server-clock.ts';

export const WARN_BEFORE_MS = 15 * 60_000;

/** The token's expiry (Unix ms), or null when it has none or cannot be read. */
export function expiryOf(jwt: string | null): number | null {
  const payload = jwt?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The line to show at `nowMs`, or null while the end is further off than WARN_BEFORE_MS. */
export function expiryLine(expiresAtMs: number | null, nowMs: number): string | null {
  if (expiresAtMs === null || expiresAtMs - nowMs > WARN_BEFORE_MS) return null;
  const minutes = Math.max(0, Math.ceil((expiresAtMs - nowMs) / 60_000));
  const at = new Date(expiresAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return minutes === 0
    ? 'Your sign-in has ended: sign in again'
    : `Your sign-in ends at ${at} (in ${minutes} min): sign in again after this call`;
}

/** Keeps `note` (a `role="status"` element) saying when the sign-in ends, checked every 30 s. */
export function watchSignInExpiry(note: HTMLElement): void {
  const expiresAtMs = expiryOf(token());
  const show = () => {
    const line = expiryLine(expiresAtMs, serverNow());
    // Written only when it changes: a live region re-read every 30 s is noise.
    if (line !== null && note.textContent !== line) note.textContent = line;
    note.hidden = line === null;
  };
  show();
  setInterval(show, 30_000);
  onServerClockChange(show);
}
