/// <reference lib="dom" />
// The calls a transfer given a new call id links to this one (previous_call_id, migration 022):
// the call it continues and the calls that continue it, each a link to its review page. The API
// lists only calls the reader may open. Pure apart from the DOM.
import { callHref } from './api.ts';
import { el } from './dom.ts';

export interface CallLinks {
  /** Absent from a store older than migration 022. */
  previousCallId?: string | null;
  continuedBy?: string[];
}

const link = (callId: string, tenant: string, testId: string) =>
  el('a', { href: callHref(callId, tenant), 'data-testid': testId }, callId);

/** "Continues call X · continued in call Y", or '' for a call no transfer links. */
export function callLinksLine(call: CallLinks & { tenant: string }): HTMLElement | string {
  const parts: (HTMLElement | string)[] = [];
  if (call.previousCallId)
    parts.push('Transferred: continues call ', link(call.previousCallId, call.tenant, 'previous-call'));
  const next = call.continuedBy ?? [];
  if (next.length > 0) {
    parts.push(parts.length > 0 ? ' · continued in call ' : 'Transferred: continued in call ');
    next.forEach((id, i) => parts.push(...(i > 0 ? [', '] : []), link(id, call.tenant, 'continued-by')));
  }
  return parts.length === 0 ? '' : el('p', { class: 'meta', 'data-testid': 'call-links' }, ...parts);
}
