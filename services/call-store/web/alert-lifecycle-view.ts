/// <reference lib="dom" />
// What became of an alert, in words, for the review page's alert list and timeline markers:
// "raised 1:06 · escalated to supervisors 1:36 · acknowledged by supervisor-1 after 9 s · ended 2:10
// (customer calmer)". Call times as the page writes them (m:ss of audio), a wall-clock time where
// the record gives nothing else. Text, never colour alone. Pure.
import { clock, when } from './dom.ts';
import type { AlertLifecycle } from '../store/alert-lifecycle.ts';

/** GET /calls/{id} `alerts[].lifecycle`: the store's type (type only, nothing of it is bundled). */
export type { AlertLifecycle };

/** Why it ended, as a reviewer says it; an unknown code (a newer store) as it is. */
const END_WORDS: Record<string, string> = {
  RECOVERED: 'customer calmer',
  CALL_ENDED: 'call ended',
  CONSENT_WITHDRAWN: 'consent withdrawn',
  ERASED: 'customer erased',
};

/** 9 400 ms → "9 s"; 125 000 ms → "2 min 5 s". */
export function delay(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 === 0 ? '' : ` ${s % 60} s`}`;
}

function acknowledged(life: AlertLifecycle): string {
  const ack = life.acknowledged;
  if (!ack) return 'not acknowledged';
  const who = ack.byErasedAgent || ack.by === null ? 'an erased agent' : ack.by;
  return `acknowledged by ${who} after ${delay(ack.afterMs)}`;
}

function ended(life: AlertLifecycle, live: boolean): string {
  const end = life.ended;
  if (!end) return live ? 'still open' : 'end not known';
  const at = end.audioMs === null ? when(end.at) : clock(end.audioMs / 1000);
  return `ended ${at} (${END_WORDS[end.reason] ?? end.reason})`;
}

/**
 * The alert's life in one line. `raisedAt(id)`: the audio time of another alert of the call (for
 * an escalation, the one it escalated), or null when the reader was not shown it.
 */
export function lifecycleText(
  life: AlertLifecycle,
  live: boolean,
  raisedAt: (alertId: string) => number | null,
): string {
  const parts = [`raised ${clock(life.raisedMs / 1000)}`];
  if (life.escalationOf !== null) {
    const first = raisedAt(life.escalationOf);
    parts.push(
      first === null ? 'escalation of an earlier alert' : `escalation of the alert of ${clock(first / 1000)}`,
    );
  }
  if (life.escalated) parts.push(`escalated to supervisors ${clock(life.escalated.audioMs / 1000)}`);
  parts.push(acknowledged(life), ended(life, live));
  return parts.join(' · ');
}
