// The customer routes of the QA API and the internal history route over a real socket and a real
// (embedded) database: responses match openapi.yaml, reads are scoped, only admins erase, a raw
// reference is refused, one call is erased alone, and the internal route takes a service token
// and nothing else (a page token, even an admin's, is refused), while a service token opens no
// QA route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type AccessAudit, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { syntheticStoreCall, syntheticEvents } from '../../../devkit/records/store-call.ts';
import { pseudonymiseCustomerRef } from '../../../services/ingest-gateway/customer-ref.ts';
import { SignJWT } from 'jose';
import { issueServiceToken, SERVICE_AUDIENCE } from '../../../services/shared/auth/service-token.ts';
import { expectDocumented } from './openapi.ts';

const tokens = {
  secret: new TextEncoder().encode('customer-api-test-secret-32-bytes!!'),
  issuer: 'va-test',
  audience: 'va-test',
};
const REF = pseudonymiseCustomerRef('customer-api-test-key-0123456789ab', 'acme', '+1 555 0100');
const who: Record<string, Principal> = {
  qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  agent1: { userId: 'u-agent-1', role: 'agent', tenant: 'acme', agentId: 'agent-1', teams: [] },
  admin: { userId: 'admin-1', role: 'admin', tenant: 'acme', agentId: null, teams: [] },
  root: { userId: 'root', role: 'admin', tenant: '*', agentId: null, teams: [] },
};
let store: CallStore;
let server: QaServer;
const routes: string[] = [];
const audits: AccessAudit[] = [];

async function call(auth: string | null, path: string, method = 'GET') {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: auth ? { authorization: `Bearer ${auth}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const as = async (user: keyof typeof who, path: string, method = 'GET') =>
  call(await issueToken(tokens, who[user]), path, method);

beforeAll(async () => {
  store = await openCallStore({});
  const now = Date.now();
  for (const [i, agentId] of ['agent-1', 'agent-2'].entries()) {
    const events = syntheticEvents(
      syntheticStoreCall({
        callId: `c-${i}`,
        agentId,
        customerRef: REF,
        startedAt: new Date(now - (2 - i) * 3_600_000),
        durationS: 120,
        angryFromS: i === 1 ? 60 : undefined,
        angryToS: i === 1 ? 120 : undefined,
        alert: i === 1,
      }),
    );
    await store.write(events);
  }
  await store.finalizePending(0);
  server = await startQaServer({
    store,
    tokens,
    port: 0,
    observe: (route) => routes.push(route),
    audit: (entry) => audits.push(entry),
  });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('customer routes', () => {
  it("lists a customer's calls as documented, scoped to the caller", async () => {
    const qa = await as('qa', `/customers/${REF}/calls`);
    expect(qa.status).toBe(200);
    expectDocumented('/customers/{customerRef}/calls', 'GET', 200, qa.body);
    expect((qa.body.calls as { callId: string }[]).map((c) => c.callId)).toEqual(['c-1', 'c-0']);
    const agent = await as('agent1', `/customers/${REF}/calls`);
    expect((agent.body.calls as { callId: string }[]).map((c) => c.callId)).toEqual(['c-0']);
    const detail = await as('qa', '/calls/c-1');
    expectDocumented('/calls/{callId}', 'GET', 200, detail.body);
    expect(detail.body.customerRef).toBe(REF);
  });

  it('refuses a raw reference and keeps pseudonyms out of metric labels', async () => {
    const raw = await as('qa', `/customers/${encodeURIComponent('+1 555 0100')}/calls`);
    expect(raw.status).toBe(400);
    expectDocumented('/customers/{customerRef}/calls', 'GET', 400, raw.body);
    expect(raw.body).toMatchObject({ error: { code: 'INVALID_QUERY' } });
    expect(routes.filter((r) => r.includes('cref1_') || r.includes('555'))).toEqual([]);
    expect(routes).toContain('GET /customers/:id/calls');
  });

  it('erases one call without a customer reference: admins only, that call alone, audited as a call', async () => {
    // Only customers could be erased: a call without a reference waited for the retention purge.
    const now = Date.now();
    for (const [callId, tenant] of [
      ['solo', 'acme'],
      ['solo', 'beta'],
    ] as const)
      await store.write(
        syntheticEvents(
          syntheticStoreCall({
            callId,
            tenant,
            agentId: 'agent-1',
            startedAt: new Date(now - 600_000),
            durationS: 30,
            angryFromS: 10,
            angryToS: 30,
            alert: true,
          }),
        ),
      );
    await store.finalizePending(0);
    for (const user of ['qa', 'agent1'] as const) {
      const refused = await as(user, '/calls/solo', 'DELETE');
      expect(refused.status).toBe(403);
      expectDocumented('/calls/{callId}', 'DELETE', 403, refused.body);
    }
    expect((await as('root', '/calls/solo', 'DELETE')).status).toBe(400);
    const erased = await as('admin', '/calls/solo', 'DELETE');
    expect(erased.status).toBe(200);
    expectDocumented('/calls/{callId}', 'DELETE', 200, erased.body);
    expect(erased.body).toMatchObject({ tenant: 'acme', calls: 1 });
    expect((erased.body.rows as Record<string, number>).alerts).toBe(1);
    expect((await as('qa', '/calls/solo')).status).toBe(404);
    const again = await as('admin', '/calls/solo', 'DELETE');
    expect(again.status).toBe(404);
    expectDocumented('/calls/{callId}', 'DELETE', 404, again.body);
    // The other tenant's call of the same id, and the customer's calls, are untouched.
    expect((await as('root', '/calls/solo?tenant=beta')).status).toBe(200);
    expect((await as('qa', '/calls/c-1')).status).toBe(200);
    const audit = await store.backend.query<{ scope: string; requested_by: string }>(
      "SELECT scope, requested_by FROM customer_erasures WHERE tenant = 'acme'",
    );
    expect(audit).toEqual([{ scope: 'call', requested_by: 'admin-1' }]);
    // The access audit names who erased which call, and who was refused.
    expect(audits).toContainEqual({
      userId: 'admin-1',
      role: 'admin',
      tenant: 'acme',
      method: 'DELETE',
      route: 'DELETE /calls/:id',
      callId: 'solo',
      status: 200,
    });
    expect(audits).toContainEqual(
      expect.objectContaining({ userId: 'qa-1', route: 'DELETE /calls/:id', status: 403 }),
    );
    expect(audits).toContainEqual(
      expect.objectContaining({ userId: 'root', tenant: 'beta', callId: 'solo', status: 200 }),
    );
    // A refused query is audited too, and a retention change names the tenant it changed.
    expect((await as('admin', '/calls/solo?tenant=acme&tenant=beta')).status).toBe(400);
    expect(audits).toContainEqual(
      expect.objectContaining({ userId: 'admin-1', callId: 'solo', status: 400 }),
    );
    await as('root', '/tenants/beta/retention', 'GET');
    expect(audits).toContainEqual(
      expect.objectContaining({ userId: 'root', route: 'GET /tenants/:id/retention', targetTenant: 'beta' }),
    );
    // The erasure audit is readable over the API by admins, without the call id.
    const log = await as('admin', '/erasures');
    expect(log.status).toBe(200);
    expectDocumented('/erasures', 'GET', 200, log.body);
    expect(log.body.erasures).toEqual([
      expect.objectContaining({ tenant: 'acme', scope: 'call', requestedBy: 'admin-1', calls: 1 }),
    ]);
    expect(JSON.stringify(log.body)).not.toContain('solo');
    expect((await as('qa', '/erasures')).status).toBe(403);
    expect((await as('root', '/erasures')).status).toBe(400);
    expect((await as('root', '/erasures?tenant=beta')).body).toEqual({ erasures: [] });
    // A customer route's pseudonym is never in it.
    expect(JSON.stringify(audits)).not.toContain('cref1_');
    // Records of the call still on their way (a replay) are dropped, not stored again.
    await store.write(
      syntheticEvents(
        syntheticStoreCall({
          callId: 'solo',
          agentId: 'agent-1',
          startedAt: new Date(now - 600_000),
          durationS: 30,
        }),
      ),
    );
    await store.finalizePending(0);
    expect((await as('qa', '/calls/solo')).status).toBe(404);
  });

  it('lets only admins erase, and an every-tenant admin only naming the tenant', async () => {
    for (const user of ['qa', 'agent1'] as const) {
      const refused = await as(user, `/customers/${REF}`, 'DELETE');
      expect(refused.status).toBe(403);
      expectDocumented('/customers/{customerRef}', 'DELETE', 403, refused.body);
    }
    expect((await as('root', `/customers/${REF}`, 'DELETE')).status).toBe(400);
    const erased = await as('admin', `/customers/${REF}`, 'DELETE');
    expect(erased.status).toBe(200);
    expectDocumented('/customers/{customerRef}', 'DELETE', 200, erased.body);
    expect(erased.body).toMatchObject({ tenant: 'acme', calls: 2 });
    expect((await as('qa', `/customers/${REF}/calls`)).status).toBe(404);
    expect((await as('qa', '/calls/c-1')).status).toBe(404);
  });
});

describe('internal history route', () => {
  const other = pseudonymiseCustomerRef('customer-api-test-key-0123456789ab', 'acme', '+1 555 0199');
  beforeAll(async () => {
    const start = new Date(Date.now() - 600_000);
    const first = syntheticStoreCall({
      callId: 'h-0',
      customerRef: other,
      startedAt: start,
      durationS: 120,
      angryFromS: 60,
      angryToS: 120,
      alert: true,
    });
    await store.write(syntheticEvents(first));
  });

  it('answers a service token with the line, leaving the starting call out', async () => {
    const service = await issueServiceToken(
      { secret: tokens.secret, issuer: tokens.issuer },
      'alert-service',
      'acme',
    );
    const path = `/internal/customers/${other}/history?tenant=acme&excludeCallId=h-1`;
    const answer = await call(service, path);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ recentCalls: 1, lastEndState: 'angry' });
    expect(answer.body.line).toBe('2nd call in 7 days · last call ended angry · 1 frustration episode');
    expect(
      (await call(service, `/internal/customers/${other}/history?tenant=acme&excludeCallId=h-0`)).body.line,
    ).toBeNull();
    expect(routes).toContain('GET /internal/customers/:ref/history');
  });

  it('refuses page tokens there, and service tokens on the QA API', async () => {
    const pageToken = await issueToken(tokens, who.root);
    expect((await call(pageToken, `/internal/customers/${other}/history?tenant=acme`)).status).toBe(401);
    expect((await call(null, `/internal/customers/${other}/history?tenant=acme`)).status).toBe(401);
    const service = await issueServiceToken(
      { secret: tokens.secret, issuer: tokens.issuer },
      'alert-service',
      'acme',
    );
    expect((await call(service, `/customers/${other}/calls`)).status).toBe(401);
    expect((await call(service, `/internal/customers/raw-ref/history?tenant=acme`)).status).toBe(400);
  });

  it("refuses a service token of another tenant (403) or of none (401): a leaked token reads one tenant's history", async () => {
    const forGlobex = await issueServiceToken(
      { secret: tokens.secret, issuer: tokens.issuer },
      'alert-service',
      'globex',
    );
    const refused = await call(forGlobex, `/internal/customers/${other}/history?tenant=acme`);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await call(forGlobex, `/internal/customers/${other}/history?tenant=globex`)).status).toBe(200);
    // Signed with the right key, audience and role, but bound to no tenant (as issued before).
    const unbound = await new SignJWT({ role: 'service' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('alert-service')
      .setIssuer(tokens.issuer)
      .setAudience(SERVICE_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('300s')
      .sign(tokens.secret);
    expect((await call(unbound, `/internal/customers/${other}/history?tenant=acme`)).status).toBe(401);
  });

  it('takes only SERVICE_TOKEN_SECRET service tokens once the store has that key', async () => {
    const serviceKey = new TextEncoder().encode('service-key-of-its-own-0123456789abcdef');
    const own = await startQaServer({ store, tokens, serviceKey, port: 0 });
    try {
      const at = (auth: string) =>
        fetch(`http://127.0.0.1:${own.port}/internal/customers/${other}/history?tenant=acme`, {
          headers: { authorization: `Bearer ${auth}` },
        });
      const signedWithPageKey = await issueServiceToken(
        { secret: tokens.secret, issuer: tokens.issuer },
        'x',
        'acme',
      );
      const signedWithOwnKey = await issueServiceToken(
        { secret: serviceKey, issuer: tokens.issuer },
        'x',
        'acme',
      );
      expect((await at(signedWithPageKey)).status).toBe(401);
      expect((await at(signedWithOwnKey)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
