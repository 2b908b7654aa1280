/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Shared presentation helpers of the pages: mood words and colour classes (colour-blind safe:
// blue/grey/orange plus a shape and a word, never colour alone), durations, trend lines. Pure DOM.
import {
  MOOD_NEGATIVE_BELOW,
  MOOD_POSITIVE_ABOVE,
  NEGATIVE_STATES,
} from '../../../../pipelines/emotion/mood-value.ts';
import { shownState } from '../../../../pipelines/emotion/shown-state.ts';
import { TENSION_RISE_TENSE } from '../../../../pipelines/alerts/tension-rise.ts';
import type { CallView, SpeakerView } from '../../protocol.ts';
import { setAttr } from './dom-writes.ts';

export type MoodClass = 'mood-positive' | 'mood-neutral' | 'mood-negative' | 'mood-unknown';

export function mood(s: SpeakerView): { cls: MoodClass; icon: string; word: string } {
  if (!s.speaking && s.valence === null) return { cls: 'mood-unknown', icon: '○', word: 'no speech yet' };
  const v = s.valence ?? 0.5;
  // Not confident of a class: "tense" when high arousal is (it holds best on unseen voices), else
  // "unclear".
  const shown = shownState(s.state, s.arousal);
  // Silent: the last valence is stale, so no side ("▼ silent" in orange read as a bad mood: UX probe).
  if (shown === 'no-speech') return { cls: 'mood-unknown', icon: '○', word: 'silent' };
  const word = shown === 'uncertain' ? 'unclear' : shown;
  // A class shown with confidence sets the marker too ("▼ neutral" had said two things at once);
  // without one, valence is the only hint.
  const named = shown !== 'uncertain' && shown !== 'tense';
  const negative = named ? NEGATIVE_STATES.has(shown) : v < MOOD_NEGATIVE_BELOW;
  const positive = named ? shown === 'happy' : v > MOOD_POSITIVE_ABOVE;
  if (negative) return { cls: 'mood-negative', icon: '▼', word };
  if (positive) return { cls: 'mood-positive', icon: '▲', word };
  return { cls: 'mood-neutral', icon: '●', word };
}

export function duration(call: CallView, nowMs: number): string {
  const end = call.endedAtMs ?? nowMs;
  const s = Math.max(0, Math.floor((end - call.startedAtMs) / 1000));
  const mm = Math.floor(s / 60);
  return `${String(mm).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function fixed(value: number | null, digits = 1): string {
  return value === null ? '—' : value.toFixed(digits);
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Draws valence points (0..1) as a polyline in a 200 x 40 SVG viewBox with a neutral band. */
export function drawTrend(svg: SVGSVGElement, points: number[]): void {
  const ns = 'http://www.w3.org/2000/svg';
  if (!svg.firstChild) {
    const band = document.createElementNS(ns, 'rect');
    band.setAttribute('x', '0');
    band.setAttribute('y', '16');
    band.setAttribute('width', '200');
    band.setAttribute('height', '8');
    band.setAttribute('class', 'trend-band');
    svg.appendChild(band);
    svg.appendChild(document.createElementNS(ns, 'polyline'));
  }
  const line = svg.lastChild as SVGPolylineElement;
  const n = Math.max(points.length - 1, 1);
  setAttr(
    line,
    'points',
    points.map((v, i) => `${((i / n) * 200).toFixed(1)},${(38 - v * 36).toFixed(1)}`).join(' '),
  );
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls = '',
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text) node.textContent = text;
  return node;
}

export function severityLabel(severity: string): { icon: string; word: string } {
  if (severity === 'critical') return { icon: '‼', word: 'Critical' };
  if (severity === 'warning') return { icon: '!', word: 'Warning' };
  return { icon: 'i', word: 'Info' };
}

/** Merges a state frame's trend tail into the trend the page already has (see CallView.moodPoints). */
export function mergeTrend(prev: CallView | undefined, next: CallView, keep = 40): number[] {
  const added = prev ? next.moodPoints - prev.moodPoints : Infinity;
  if (!prev || added > next.moodTrend.length || added < 0) return next.moodTrend;
  const merged = added === 0 ? prev.moodTrend : [...prev.moodTrend, ...next.moodTrend.slice(-added)];
  return merged.slice(-keep);
}

/**
 * The agent's vocal stress as the pages show it: the tension's rise over the agent's own call
 * start (pipelines/alerts/tension-rise.ts), not the absolute index, which read 60-81 % ("high")
 * for calm agents (UX probe). The bar is full at twice the "raised" line.
 */
export function stress(
  rise: number | null,
  from: SpeakerView['tensionFrom'] = 'call-start',
): { fill: number; high: boolean; word: string } {
  // Joined after the call start (a restart): no baseline here; the alerts still have theirs.
  if (from === 'unknown') return { fill: 0, high: false, word: 'unknown (joined mid-call)' };
  if (rise === null) return { fill: 0, high: false, word: 'learning' };
  const high = rise >= TENSION_RISE_TENSE;
  const fill = Math.min(1, Math.max(0, rise / (2 * TENSION_RISE_TENSE)));
  return { fill, high, word: high ? 'raised' : rise >= TENSION_RISE_TENSE / 2 ? 'slightly raised' : 'usual' };
}
