// A reviewer's unsaved note, kept in the tab (sessionStorage) until it is saved: a session that
// expired while the reviewer typed sent them to the sign-in form and the note was gone (UX
// probe). Kept per user (another user signing in on the tab after an expiry never sees it), and
// an explicit sign-out clears every draft. I/O: sessionStorage.
import { claims } from './api.ts';
import { removeSessionKeys } from './dom.ts';

const PREFIX = 'va.review-draft:';

const keyOf = (callId: string, tenant: string | null) =>
  `${PREFIX}${claims()?.sub ?? ''}/${tenant ?? ''}/${callId}`;

export function loadDraft(callId: string, tenant: string | null): string {
  return sessionStorage.getItem(keyOf(callId, tenant)) ?? '';
}

export function saveDraft(callId: string, tenant: string | null, notes: string): void {
  if (notes === '') sessionStorage.removeItem(keyOf(callId, tenant));
  else sessionStorage.setItem(keyOf(callId, tenant), notes);
}

export function clearDrafts(): void {
  removeSessionKeys(PREFIX);
}
