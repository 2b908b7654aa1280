// What may name a tenant in a users file or a token: the characters the gateway accepts in a
// tenant id (audio-chunk-limits.ts), or `*` (every tenant, admins only). A tenant written
// "Acme Corp" or " acme" matched no call and its users saw nothing, without a word. Pure.

/** A tenant id (1-64 of A-Z a-z 0-9 _ . -) or `*`. */
export const TENANT_CLAIM = /^(\*|[\w.-]{1,64})$/;

/** A tenant id alone, as the gateway accepts it (e.g. the name of a tenant's alert rule file). */
export const TENANT_ID = /^[\w.-]{1,64}$/;

export const TENANT_CLAIM_RULE = 'a tenant id (1-64 of A-Z a-z 0-9 _ . -), or * (every tenant, admins only)';
