/// <reference lib="dom" />
// Zoom and pan of the call timeline without a mouse. Drag-to-zoom (uPlot's cursor) reached no
// keyboard, switch or screen-reader user (WCAG 2.1.1 Keyboard, 2.5.7 Dragging Movements): these
// buttons set the same shared time range, and a status line says what range is shown, also after
// a mouse zoom. I/O: DOM only (the range arithmetic is pure).
import { clock, el } from './dom.ts';

export interface TimeRange {
  min: number;
  max: number;
}

export type ZoomAction = 'in' | 'out' | 'earlier' | 'later' | 'all';

/** Narrowest range a zoom in reaches: two 1 s hops, the windows' own resolution. */
export const MIN_SPAN_S = 2;

/**
 * The range after one step, in seconds: zoom halves or doubles the span around its centre, a pan
 * moves by half the span; the result stays inside 0..endS and at least MIN_SPAN_S wide (or the
 * whole call, when that is shorter).
 */
export function stepRange(range: TimeRange, action: ZoomAction, endS: number): TimeRange {
  const whole = { min: 0, max: endS };
  if (action === 'all') return whole;
  const span = range.max - range.min;
  // Already narrower than a zoom in reaches (a mouse zoom): it stays, and the button says so.
  if (action === 'in' && span <= MIN_SPAN_S) return range;
  const centre = (range.min + range.max) / 2;
  const nextSpan =
    action === 'in' ? Math.max(Math.min(MIN_SPAN_S, endS), span / 2) : action === 'out' ? span * 2 : span;
  if (nextSpan >= endS) return whole;
  const shift = action === 'earlier' ? -span / 2 : action === 'later' ? span / 2 : 0;
  const min = Math.min(Math.max(0, centre + shift - nextSpan / 2), endS - nextSpan);
  return { min, max: min + nextSpan };
}

/** Whether a step would change the range (its button is marked unavailable when not). */
export function stepChanges(range: TimeRange, action: ZoomAction, endS: number): boolean {
  const next = stepRange(range, action, endS);
  return Math.abs(next.min - range.min) > 1e-6 || Math.abs(next.max - range.max) > 1e-6;
}

const BUTTONS: readonly [ZoomAction, string][] = [
  ['in', 'Zoom in'],
  ['out', 'Zoom out'],
  ['earlier', '◀ Earlier'],
  ['later', 'Later ▶'],
  ['all', 'Whole call'],
];

export interface ZoomControls {
  readonly element: HTMLElement;
  /** Call once the charts exist, then after every change of the range (a button or a mouse zoom). */
  update(): void;
}

export function zoomControls(
  endS: number,
  current: () => TimeRange,
  apply: (range: TimeRange) => void,
): ZoomControls {
  const status = el('p', { class: 'zoom-status', role: 'status', 'data-testid': 'zoom-status' });
  const buttons = BUTTONS.map(([action, label]) =>
    el(
      'button',
      {
        type: 'button',
        'data-zoom': action,
        onclick: () => {
          if (stepChanges(current(), action, endS)) apply(stepRange(current(), action, endS));
        },
      },
      label,
    ),
  );
  const element = el(
    'div',
    { class: 'zoom-controls', role: 'toolbar', 'aria-label': 'Timeline range' },
    ...buttons,
    status,
  );
  function update(): void {
    const range = current();
    BUTTONS.forEach(([action], i) =>
      // aria-disabled, not disabled: a disabled button drops the keyboard focus to the page's top.
      buttons[i]!.setAttribute('aria-disabled', String(!stepChanges(range, action, endS))),
    );
    const text = `Showing ${clock(range.min)}–${clock(range.max)} of ${clock(endS)}`;
    if (status.textContent !== text) status.textContent = text;
  }
  return { element, update };
}
