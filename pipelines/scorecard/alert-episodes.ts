// Alert episodes: the rules engine raises one alert per episode (a run of a rule's condition) and,
// when an agent-only alert still holds after the rule's escalateAfterMs, a second alert to
// supervisors naming the first (escalation_of). Counting records would count that episode twice,
// and an escalation a supervisor acknowledged would leave its cue "unacknowledged": the QA figures
// (call list, summary, scorecard, page heading) count episodes, handled when the cue or its
// escalation was acknowledged. Pure.

/**
 * The end of every escalation's id (pipelines/alerts/engine.ts: `<call>:<subject>:<window>:<rule>
 * .escalated`). An escalation stored before call-store migration 023 has no link; this is how it is
 * recognised.
 */
export const ESCALATION_ID_SUFFIX = '.escalated';

/** What of an alert tells its episode. */
export interface EpisodeAlert {
  alertId: string;
  ruleId: string;
  /** The channel it was raised on (an escalation keeps its cue's); absent: not known. */
  channel?: string | null;
  /** Audio time it was raised at, ms since the call's start. */
  startMs: number;
  /** On an escalation: the alert it escalated (stored since call-store migration 023). */
  escalationOf?: string | null;
}

const looksEscalated = (a: EpisodeAlert) => !a.escalationOf && a.alertId.endsWith(ESCALATION_ID_SUFFIX);

/** An escalation to supervisors: linked to its cue, or (stored before 023) told by its id. */
export const isEscalation = (a: EpisodeAlert) => Boolean(a.escalationOf) || looksEscalated(a);

/**
 * The cue an unlinked escalation (stored before 023) escalated: the latest cue of its rule on its
 * channel raised no later than it. The engine escalates only the episode still holding, which is
 * the rule's latest on that subject, and escalates it once.
 */
function legacyCueOf<A extends EpisodeAlert>(escalation: A, cues: readonly A[]): A | undefined {
  let cue: A | undefined;
  for (const c of cues)
    if (
      c.ruleId === escalation.ruleId &&
      (c.channel ?? null) === (escalation.channel ?? null) &&
      c.startMs <= escalation.startMs &&
      (cue === undefined || c.startMs >= cue.startMs)
    )
      cue = c;
  return cue;
}

/**
 * Each escalation's cue, by the escalation's id: the stored link, or for an escalation stored
 * before 023 its id's suffix and rule (legacyCueOf). An escalation whose cue is not among `alerts`
 * is linked to nothing: it counts as an episode of its own (never an episode lost).
 */
export function escalationCues<A extends EpisodeAlert>(alerts: readonly A[]): Map<string, A> {
  const byId = new Map(alerts.map((a) => [a.alertId, a]));
  const cues = alerts.filter((a) => !a.escalationOf && !looksEscalated(a));
  const links = new Map<string, A>();
  for (const a of alerts) {
    const cue = a.escalationOf
      ? byId.get(a.escalationOf)
      : looksEscalated(a)
        ? legacyCueOf(a, cues)
        : undefined;
    if (cue !== undefined && cue !== a) links.set(a.alertId, cue);
  }
  return links;
}

export interface AlertEpisode<A> {
  /** The alert that opened it. */
  cue: A;
  /** Its escalations (one from the engine; several only if records disagree). */
  escalations: A[];
}

/** The call's alerts as episodes, in the order of their cues in `alerts`. */
export function alertEpisodes<A extends EpisodeAlert>(alerts: readonly A[]): AlertEpisode<A>[] {
  const links = escalationCues(alerts);
  const episodes = new Map<A, AlertEpisode<A>>();
  for (const a of alerts) if (!links.has(a.alertId)) episodes.set(a, { cue: a, escalations: [] });
  for (const a of alerts) {
    const cue = links.get(a.alertId);
    if (cue !== undefined) episodes.get(cue)?.escalations.push(a);
  }
  return [...episodes.values()];
}

/**
 * When an episode was first acknowledged (on its cue or an escalation), by `ackedAt` of each
 * alert (any comparable time, null when never); null: never.
 */
export function episodeAckedAt<A>(episode: AlertEpisode<A>, ackedAt: (a: A) => number | null): number | null {
  let first: number | null = null;
  for (const a of [episode.cue, ...episode.escalations]) {
    const at = ackedAt(a);
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first;
}
