/// <reference lib="dom" />
// The emotion band as text: each speaker's runs of one shown state (from, to, state), in a table
// a keyboard or screen-reader user can read. The band paints them on a canvas by colour alone,
// and its values came only on mouse hover (accessibility probe). I/O: DOM only.
import { shownState } from '../../../pipelines/emotion/shown-state.ts';
import { clock, el } from './dom.ts';

export type EmotionColumns = Record<string, (number | string | null)[]>;

/**
 * The state as the wallboard, the agent view and the demo showed it (shown-state.ts): an
 * `uncertain` window with confidently high arousal reads "tense" there, and read `uncertain` here.
 */
export function shownAt(e: EmotionColumns, i: number): string {
  const arousal = e.arousal[i];
  return shownState(String(e.state[i]), typeof arousal === 'number' ? arousal : null);
}

export interface EmotionSpan {
  fromMs: number;
  toMs: number;
  state: string;
}

/**
 * Consecutive windows of one shown state, merged, as the band paints them: a window runs until the
 * next one starts or its own end, whichever is first; a gap (windows missing) starts a new span.
 */
export function emotionSpans(e: EmotionColumns): EmotionSpan[] {
  const spans: EmotionSpan[] = [];
  for (let i = 0; i < e.startMs.length; i++) {
    const fromMs = e.startMs[i] as number;
    const ownEnd = e.endMs[i] as number;
    const toMs = Math.max(
      fromMs,
      i + 1 < e.startMs.length ? Math.min(e.startMs[i + 1] as number, ownEnd) : ownEnd,
    );
    const state = shownAt(e, i);
    const last = spans.at(-1);
    if (last && last.state === state && last.toMs >= fromMs) last.toMs = Math.max(last.toMs, toMs);
    else spans.push({ fromMs, toMs, state });
  }
  return spans;
}

export function emotionSpansTable(speakers: Record<'agent' | 'customer', EmotionColumns>): HTMLElement {
  const tables = (['customer', 'agent'] as const).map((speaker) => {
    const spans = emotionSpans(speakers[speaker]);
    return el(
      'table',
      { class: 'spans', 'data-testid': `emotion-spans-${speaker}` },
      el('caption', {}, `${speaker === 'customer' ? 'Customer' : 'Agent'}: ${spans.length} spans`),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'From'),
          el('th', { scope: 'col' }, 'To'),
          el('th', { scope: 'col' }, 'State'),
        ),
      ),
      el(
        'tbody',
        {},
        ...spans.map((s) =>
          el(
            'tr',
            {},
            el('td', {}, clock(s.fromMs / 1000)),
            el('td', {}, clock(s.toMs / 1000)),
            el('td', {}, s.state),
          ),
        ),
      ),
    );
  });
  return el('details', { class: 'spans-text' }, el('summary', {}, 'The emotion band as text'), ...tables);
}
