// A reviewer's unsaved note, kept in the tab (sessionStorage) until it is saved: a session that
// expired while the reviewer typed sent them to the sign-in form and the note was gone (UX
// probe). An explicit sign-out clears every draft, so the next user of the tab sees none. I/O:
// sessionStorage.
const PREFIX = 'va.review-draft:';

const keyOf = (callId: string, tenant: string | null) => `${PREFIX}${tenant ?? ''}/${callId}`;

export function loadDraft(callId: string, tenant: string | null): string {
  return sessionStorage.getItem(keyOf(callId, tenant)) ?? '';
}

export function saveDraft(callId: string, tenant: string | null, notes: string): void {
  if (notes === '') sessionStorage.removeItem(keyOf(callId, tenant));
  else sessionStorage.setItem(keyOf(callId, tenant), notes);
}

export function clearDrafts(): void {
  const keys: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) sessionStorage.removeItem(key);
}
