/// <reference lib="dom" />
// The call list's last search, kept in the tab (sessionStorage) per user: a reviewer who opened a
// call and went back ("← all calls") found the filters gone and 50 unfiltered rows (accessibility
// probe: 27 Tab presses to set them again). Cleared at sign-out. I/O: sessionStorage, the form.
import { claims } from './api.ts';
import { removeSessionKeys } from './dom.ts';

const PREFIX = 'va.review-list:';
const keyOf = () => `${PREFIX}${claims()?.sub ?? ''}`;

export function saveListFilters(form: HTMLFormElement): void {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (value !== '') values[name] = String(value);
  sessionStorage.setItem(keyOf(), JSON.stringify(values));
}

/** Puts the saved search back into the form's fields (unknown names and bad JSON are ignored). */
export function restoreListFilters(form: HTMLFormElement): void {
  let values: unknown;
  try {
    values = JSON.parse(sessionStorage.getItem(keyOf()) ?? '{}');
  } catch {
    return;
  }
  if (typeof values !== 'object' || values === null) return;
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (
      (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) &&
      typeof value === 'string'
    )
      field.value = value;
  }
}

export function clearListFilters(): void {
  removeSessionKeys(PREFIX);
}
