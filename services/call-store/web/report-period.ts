/// <reference lib="dom" />
// The period a QA report reads (the CSAT report's and the alert precision report's): the days
// offered, read from the hash's `days` (a number or `all`; 90 when none is named: every call of
// 90 days at a big site took 36 s to read, DBA probe), and the form that picks one. DOM only.
import { el } from './dom.ts';

/** The periods offered, in days (null: every call the store keeps). */
const PERIODS: readonly { days: number | null; label: string }[] = [
  { days: 7, label: 'the last 7 days' },
  { days: 30, label: 'the last 30 days' },
  { days: 90, label: 'the last 90 days' },
  { days: 365, label: 'the last 365 days' },
  { days: null, label: 'any time' },
];
export const DEFAULT_DAYS = 90;
const DAY_MS = 86_400_000;

/** The period of the hash's `days` (a number of days or `all`); one not offered reads as the default. */
export function reportDays(value: string | undefined): number | null {
  if (value === 'all') return null;
  const days = Number(value);
  return PERIODS.some((p) => p.days === days) ? days : DEFAULT_DAYS;
}

/** The period's start as the API takes it (`from`), or null for any time. */
export function periodStart(days: number | null): string | null {
  return days === null ? null : new Date(Date.now() - days * DAY_MS).toISOString();
}

/**
 * The period, chosen with a button: a select that navigated on `change` sent a report request for
 * each period a keyboard user's arrow keys passed on the way (365 days on the way to "any time",
 * the costly case) and took their focus away (review). `route`: the report's hash (`#/reports/csat`).
 */
export function periodPicker(days: number | null, route: string, id: string): HTMLElement {
  const select = el(
    'select',
    {
      id,
      name: 'days',
      // Enter on a select does not submit its form in browsers (implicit submission is for text
      // inputs): a keyboard user who chose a period with the arrows pressed Enter and got nothing.
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key !== 'Enter') return;
        event.preventDefault();
        (event.currentTarget as HTMLSelectElement).form?.requestSubmit();
      },
    },
    ...PERIODS.map((p) => el('option', { value: p.days ?? 'all', selected: p.days === days }, p.label)),
  );
  return el(
    'form',
    {
      class: 'meta',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `${route}?days=${select.value}`;
      },
    },
    el('label', { for: id }, 'Calls started in '),
    select,
    ' ',
    el('button', { type: 'submit' }, 'Show'),
  );
}
