// The tables whose rows belong to one call (tenant, call id), and when each row reached the store:
// what the retention purge, its orphan check and an erasure delete. No I/O.

/** Every table whose rows belong to one call (tenant, call id); erasure.ts deletes the same. */
export const CHILD_TABLES = [
  'speaker_windows',
  'emotion_events',
  'dynamics_windows',
  // An alert's QA verdict (migration 024), before its alert (the foreign key would take it along
  // unseen: erasures count each table's rows).
  'alert_verdicts',
  'alerts',
  'alert_acks',
  'reviews',
  'call_timelines',
  'surveys',
  // A call's legs (migration 019): erased and purged with it, like its other rows.
  'call_legs',
] as const;

export type ChildTable = (typeof CHILD_TABLES)[number];

/** When a child row reached the store: the orphan check's clock (a BRIN index each, migration 015). */
export const RECEIVED_AT: Record<ChildTable, string> = {
  speaker_windows: 'received_at',
  emotion_events: 'received_at',
  dynamics_windows: 'received_at',
  alert_verdicts: 'judged_at',
  alerts: 'received_at',
  alert_acks: 'received_at',
  reviews: 'created_at',
  call_timelines: 'built_at',
  surveys: 'received_at',
  call_legs: 'received_at',
};
