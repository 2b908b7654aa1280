// Fuzzes the HTTP request parsers. Call store: any method, path and query string go through
// parseQuery, matchRoute and the route's query validation (the search cursor included) and answer
// or throw StoreError with a documented code, and any Authorization header verifies or is refused
// as UNAUTHENTICATED. Alert service: the static-file path decoder never
// throws on malformed percent-encoding and never lets a NUL byte through.
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodePath } from '../../../../../services/alert-service/web-server.ts';
import { StoreError, type StoreErrorCode } from '../../../../../services/call-store/errors.ts';
import { verifyBearer } from '../../../../../services/call-store/http/auth.ts';
import { ROLES, type Principal } from '../../../../../services/shared/auth/roles.ts';
import { matchRoute } from '../../../../../services/call-store/http/routes.ts';
import { parseQuery } from '../../../../../services/call-store/http/server.ts';
import { addReview } from '../../../../../services/call-store/store/calls.ts';
import { searchCalls } from '../../../../../services/call-store/store/search.ts';
import type { CallStore } from '../../../../../services/call-store/store.ts';
import { FUZZ, settleAsync } from '../../../../support/fuzz/typed-error.ts';

// What query and route parsing may answer; the store's own errors are out of reach of this stub.
const CODES: StoreErrorCode[] = [
  'INVALID_QUERY',
  'INVALID_BODY',
  'INVALID_CURSOR',
  'NOT_FOUND',
  'FORBIDDEN',
  'METHOD_NOT_ALLOWED',
];

/**
 * The real search and review parsing (cursor, body) over an empty database; a call, its timeline
 * and export are empty ones (the routes filter their alerts per audience); the rest answer null.
 */
const emptyDb = { query: async () => [] };
const emptyCall = { reviewScore: null, alerts: [], reviews: [] };
const REAL: Partial<Record<keyof CallStore, unknown>> = {
  getCall: async () => emptyCall,
  getTimeline: async () => ({ alerts: [] }),
  getTimelineJson: async () => '{"callId":"c","alerts":[]}',
  searchCalls: (scope: never, q: never) => searchCalls(emptyDb, scope, q),
  addReview: (scope: never, callId: string, reviewer: string, body: unknown) =>
    addReview(emptyDb, scope, callId, reviewer, body),
};
const store = new Proxy({} as CallStore, {
  get: (_target, name) => REAL[name as keyof CallStore] ?? (async () => null),
});

const segment = fc.oneof(
  fc.constantFrom('call-1', '%E0%A4%A', '%', '%00', '%2F', '..', '%C0%AF', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const path = fc
  .tuple(
    fc.constantFrom(
      '/calls',
      '/calls/%s',
      '/calls/%s/timeline',
      '/calls/%s/export',
      '/calls/%s/review',
      '/tenants/%s/retention',
      '/agents/%s/summary',
      '/%s',
    ),
    segment,
  )
  .map(([template, id]) => template.replace('%s', id));

const KEYS = [
  'from',
  'to',
  'tenant',
  'agentId',
  'queue',
  'status',
  'minCustomerAngerS',
  'alerts',
  'trajectory',
  'minScore',
  'maxScore',
  'reviewed',
  'sort',
  'order',
  'limit',
  'cursor',
  'maxPoints',
  'format',
  '__proto__',
  'constructor',
];
const queryValue = fc.oneof(
  fc.constantFrom(
    '2026-01-01T00:00:00Z',
    '2026-13-01T00:00:00Z',
    'NaN',
    'Infinity',
    '-0',
    '1e999',
    'true',
    'csv',
    'startedAt',
    'desc',
    '',
  ),
  fc.integer({ min: -5, max: 20_000 }).map(String),
  fc.string({ maxLength: 40 }),
  // A cursor this API never returned: base64url of arbitrary JSON or bytes.
  fc
    .oneof(fc.json({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 30 }))
    .map((s) => Buffer.from(s).toString('base64url')),
);
const search = fc
  .oneof(
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), queryValue), {
        maxLength: 5,
      })
      .map((pairs) => new URLSearchParams(pairs).toString()),
    fc.string({ maxLength: 60 }),
  )
  .map((s) => new URLSearchParams(s));

/** Bodies shaped like a review or a retention setting, or any JSON. */
const body = fc.oneof(
  fc.record(
    {
      notes: fc.string({ maxLength: 20 }),
      scoreOverride: fc.oneof(fc.constant(null), fc.double()),
      retentionDays: fc.oneof(fc.integer(), fc.double()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const principal: fc.Arbitrary<Principal> = fc.record({
  userId: fc.constant('u-1'),
  role: fc.constantFrom(...ROLES),
  tenant: fc.constantFrom('acme', '*'),
  agentId: fc.constantFrom(null, 'call-1'),
  teams: fc.constantFrom([], ['team-a']),
});

describe('fuzz: HTTP query parsers', () => {
  it('call store: any request routes and parses, or throws a typed StoreError', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        path,
        search,
        principal,
        body,
        async (method, p, params, who, json) => {
          const out = await settleAsync(
            async () => {
              const query = parseQuery(params);
              const { handler, params: ids } = matchRoute(method, p);
              return handler({ method, path: p, query, body: json, principal: who }, ids, store);
            },
            StoreError,
            CODES,
          );
          if (out.ok) answered += 1;
        },
      ),
      FUZZ,
    );
    // Not only rejections: valid queries must reach the handlers (and the search's cursor decoding).
    expect(answered).toBeGreaterThan(100);
  });

  it('call store: any Authorization header, signed claims included, verifies or is UNAUTHENTICATED', async () => {
    const options = {
      secret: new TextEncoder().encode('k'.repeat(16) + 'fuzz-secret-0123456789'),
      issuer: 'va',
      audience: 'qa',
    };
    const claim = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    // jose only signs a finite exp; a token with any other claims is what an attacker holding the key could mint.
    const exp = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const claims = fc.record(
      {
        sub: claim,
        role: fc.oneof(fc.constantFrom(...ROLES), claim),
        tenant: claim,
        agent_id: claim,
        teams: claim,
        exp,
      },
      { requiredKeys: [] },
    );
    const header = fc.oneof(
      fc.constantFrom(undefined, '', 'Bearer ', 'Bearer a.b.c', 'Bearer ..'),
      fc.string({ maxLength: 60 }).map((h) => `Bearer ${h}`),
      claims,
      claims,
    );
    await fc.assert(
      fc.asyncProperty(header, async (input) => {
        const value =
          typeof input === 'object'
            ? `Bearer ${await new SignJWT(input as Record<string, unknown>).setProtectedHeader({ alg: 'HS256' }).setIssuer('va').setAudience('qa').sign(options.secret)}`
            : input;
        await settleAsync(() => verifyBearer(value, options), StoreError, ['UNAUTHENTICATED']);
      }),
      FUZZ,
    );
  });

  it('alert service: decodePath never throws and never returns a NUL byte', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          path,
          fc.string({ unit: 'binary', maxLength: 40 }),
          segment.map((s) => `/${s}%`),
        ),
        (p) => {
          const decoded = decodePath(p);
          if (decoded !== null) expect(decoded).not.toContain('\0');
        },
      ),
      FUZZ,
    );
  });
});
