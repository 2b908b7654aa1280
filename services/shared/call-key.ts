// The identity of a call: (tenant, call id). Call ids are chosen by clients, so two tenants may use
// the same one; every Kafka key, per-call state map and event id is built from both. Pure.
//
// Kafka key = `${tenant}/${callId}` (not the bare call id): both channels of one call share it, so
// they still land in one partition in order; two tenants' calls with the same id get different
// keys, so no consumer can fold them together even by key; and a dead letter's key names the call
// unambiguously. Neither part can contain '/' or ':' (tenant names are [A-Za-z0-9_.-], call ids
// [A-Za-z0-9._-]), so the key and the event ids built on it are unambiguous.

/** The call's key: Kafka record key and the key of every per-call state map. */
export function callKey(tenant: string, callId: string): string {
  return `${tenant}/${callId}`;
}

/**
 * True when a consumed record's Kafka key belongs to the call its value names. A bare call id is
 * accepted too: records produced before keys carried the tenant (a rolling upgrade, replays of
 * retained topics) stay readable; state is keyed by the value's (tenant, call id) either way.
 */
export function keyMatches(key: string, tenant: string, callId: string): boolean {
  return key === callKey(tenant, callId) || key === callId;
}

/**
 * Deterministic event id unique across tenants: the tenant in front of the per-call id built by the
 * pipelines (`${callId}:${channel}:${windowIndex}:${kind}`), i.e. `${tenant}/${callId}:…`. A replay
 * still produces the same id, and two tenants' windows of the same call id never dedupe each other.
 */
export function tenantEventId(tenant: string, eventId: string): string {
  return `${tenant}/${eventId}`;
}
