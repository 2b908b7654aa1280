/// <reference lib="dom" />
// The neutral line a page shows when the server takes a call off it (`erased` frame): why, in
// words, from the frame's stable code only. It names no call, customer or agent: the people who
// watched the call learn that it left and why, nothing of what was analysed. Shown for
// NOTE_SHOWN_MS, then hidden (a wallboard of many calls would otherwise keep an old line up).
import type { ErasedView } from '../../protocol.ts';

export const NOTE_SHOWN_MS = 30_000;

/** The line for a removal reason; a code this page does not know reads as a plain removal. */
export function removedCallLine(reason: ErasedView['reason'] | undefined): string {
  if (reason === 'CONSENT_WITHDRAWN') return 'Call removed: consent withdrawn';
  if (reason === 'ERASED') return 'Call removed: data erased on request';
  return 'Call removed';
}

let hideTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows the line in `note` (a `role="status"` element) for NOTE_SHOWN_MS. */
export function showRemovedCall(note: HTMLElement, erased: Pick<ErasedView, 'reason'>): void {
  note.textContent = removedCallLine(erased.reason);
  note.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => {
    note.hidden = true;
  }, NOTE_SHOWN_MS);
}
