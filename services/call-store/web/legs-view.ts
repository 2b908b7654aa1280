/// <reference lib="dom" />
// The legs of a transferred call on its review page: who had the call from when to when, and each
// agent's own figures over their leg (the scorecard above stays the whole call's). Shown only for
// a call with more than one leg. Pure apart from the DOM.
import { clock, el, fmt } from './dom.ts';
import { isolate } from '../../shared/bidi-isolate.ts';

export interface Leg {
  agentId: string;
  team: string;
  queue: string;
  fromMs: number;
  toMs: number | null;
  measures: {
    agentSpeechS: number;
    agentPaceCompliance: number | null;
    agentTensionCompliance: number | null;
    overtalkPerMin: number;
    talkRatioAgent: number | null;
    alertsCount: number;
  } | null;
}

const span = (leg: Leg) =>
  `${clock(leg.fromMs / 1000)}–${leg.toMs === null ? 'live' : clock(leg.toMs / 1000)}`;

/** One row per leg; figures read "—" until the call is summarised, or for another agent's leg. */
export function legsCard(legs: readonly Leg[]): HTMLElement | string {
  if (legs.length < 2) return '';
  const head = [
    'agent',
    'team',
    'queue',
    'from–to',
    'agent speech',
    'pace ok',
    'tension ok',
    'overtalk / min',
    'agent talk share',
    'alerts',
  ];
  return el(
    'section',
    { class: 'card', 'data-testid': 'legs' },
    el('h2', {}, 'Legs'),
    el('p', {}, 'Transferred on the same call: each agent’s figures over their own leg.'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        ...legs.map((leg) => {
          const m = leg.measures;
          return el(
            'tr',
            {},
            el('td', {}, isolate(leg.agentId)),
            el('td', {}, isolate(leg.team || '—')),
            el('td', {}, isolate(leg.queue || '—')),
            el('td', {}, span(leg)),
            el('td', {}, m ? `${fmt(m.agentSpeechS, 0)} s` : '—'),
            el('td', {}, fmt(m?.agentPaceCompliance)),
            el('td', {}, fmt(m?.agentTensionCompliance)),
            el('td', {}, fmt(m?.overtalkPerMin)),
            el('td', {}, fmt(m?.talkRatioAgent)),
            el('td', {}, m ? String(m.alertsCount) : '—'),
          );
        }),
      ),
    ),
  );
}
