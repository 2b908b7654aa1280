// One contact of a customer may be several calls: a transfer that the platform gave a new call id
// continues the earlier call (previous_call_id, migration 022). The customer's history counts a
// contact once, and a transferred call's own earlier legs are not "earlier calls" at all. Pure.

/** A calls row as read: its call_id and previous_call_id columns. */
export type LinkedCall = Record<string, unknown>;

/** A chain is one call per transfer: longer is a loop or bad data, not a contact. */
const MAX_CHAIN = 20;

const idOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The other calls of `callId`'s contact among `calls`: the call it continues (`previousCallId`)
 * and the calls that one continues in turn, and any call that continues one of them or `callId`.
 */
export function sameContact(
  calls: readonly LinkedCall[],
  callId: string | undefined,
  previousCallId: string | undefined,
): Set<string> {
  const byId = new Map(calls.map((c) => [String(c.call_id), c]));
  const legs = new Set<string>();
  for (let id = previousCallId ?? null; id !== null && !legs.has(id) && legs.size < MAX_CHAIN;) {
    legs.add(id);
    id = idOf(byId.get(id)?.previous_call_id);
  }
  const linked = new Set([...legs, ...(callId === undefined ? [] : [callId])]);
  for (let grew = true; grew && linked.size < MAX_CHAIN;) {
    grew = false;
    for (const c of calls) {
      const previous = idOf(c.previous_call_id);
      if (previous !== null && linked.has(previous) && !linked.has(String(c.call_id))) {
        linked.add(String(c.call_id));
        grew = true;
      }
    }
  }
  return linked;
}

/** The calls that end a contact: none of `calls` continues them (a contact is counted by its last call). */
export function contactEnds<T extends LinkedCall>(calls: readonly T[]): T[] {
  const byId = new Map(calls.map((c) => [String(c.call_id), c]));
  const continued = new Set<string>();
  for (const c of calls) {
    const previous = idOf(c.previous_call_id);
    const before = previous === null ? undefined : byId.get(previous);
    // A continuation starts after the call it continues: a link back in time (a loop of two
    // calls naming each other, bad data) does not make both vanish from the count.
    if (before && !(startOf(c) < startOf(before))) continued.add(previous!);
  }
  return calls.filter((c) => !continued.has(String(c.call_id)));
}

/** A row's started_at in ms (a Date or an ISO string by backend); NaN when not read. */
const startOf = (c: LinkedCall): number =>
  c.started_at === undefined || c.started_at === null ? NaN : new Date(c.started_at as string).getTime();
