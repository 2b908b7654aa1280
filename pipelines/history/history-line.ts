// The one-line customer history an agent and a supervisor see when a call starts: "3rd call in
// 7 days · last call ended angry · 2 escalations". Built from the store's summary of the
// customer's earlier calls (never the current one). Pure.

export interface HistorySummary {
  /** Earlier calls of the customer within `windowDays` (the current call not counted). */
  recentCalls: number;
  windowDays: number;
  /** Every earlier call the store holds (within retention). */
  totalCalls: number;
  /** The customer's state at the end of their previous call; null when unknown. */
  lastEndState: string | null;
  /** Start (ISO) of the previous call; null without one. */
  lastCallAt: string | null;
  /** Escalated alerts over the recent calls. */
  escalations: number;
  /** Frustration episodes over the recent calls. */
  frustrationEpisodes: number;
  /**
   * The call continues an earlier one (a transfer given a new call id: previous_call_id). That
   * earlier call is the same contact: it is not counted above, and its end is said on its own.
   */
  transferred?: boolean;
  /** The customer's state at the end of the call this one continues; null when unknown. */
  previousLegEndState?: string | null;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The line, or null when the customer has no earlier call (nothing to say). */
export function historyLine(s: HistorySummary, nowMs: number): string | null {
  const parts: string[] = [];
  // What the agent taking a transfer needs first: how the customer left the previous agent.
  if (s.transferred === true)
    parts.push(
      s.previousLegEndState ? `transferred: last leg ended ${s.previousLegEndState}` : 'transferred',
    );
  if (s.totalCalls === 0) return parts.length > 0 ? parts.join(' · ') : null;
  if (s.recentCalls > 0) parts.push(`${ordinal(s.recentCalls + 1)} call in ${plural(s.windowDays, 'day')}`);
  else if (s.lastCallAt !== null) {
    const days = Math.max(1, Math.floor((nowMs - Date.parse(s.lastCallAt)) / 86_400_000));
    parts.push(`last call ${plural(days, 'day')} ago`);
  }
  if (s.lastEndState !== null) parts.push(`last call ended ${s.lastEndState}`);
  if (s.escalations > 0) parts.push(plural(s.escalations, 'escalation'));
  else if (s.frustrationEpisodes > 0) parts.push(plural(s.frustrationEpisodes, 'frustration episode'));
  return parts.join(' · ');
}
