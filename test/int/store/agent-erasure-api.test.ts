// DELETE /agents/{agentId} over a real socket and a real (embedded) database: only admins erase
// (agents and supervisors 403), an every-tenant admin names the tenant and erases there alone,
// bad ids are 400 INVALID_QUERY, a second erasure reports nothing left, and the audit row at
// GET /erasures names the id's digest, never the id; responses match openapi.yaml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../services/shared/auth/roles.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { startQaServer, type QaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { agentDigest } from '../../../services/call-store/store/erased-agents.ts';
import { syntheticEvents, syntheticStoreCall } from '../../../devkit/records/store-call.ts';
import { expectDocumented } from './openapi.ts';

const tokens = {
  secret: new TextEncoder().encode('agent-erasure-api-test-secret-32b!!'),
  issuer: 'va-test',
  audience: 'va-test',
};
const who: Record<string, Principal> = {
  ann: { userId: 'u-ann', role: 'agent', tenant: 'acme', agentId: 'ann', teams: [] },
  sup: { userId: 'sup-1', role: 'supervisor', tenant: 'acme', agentId: null, teams: [] },
  qa: { userId: 'qa-1', role: 'qa_reviewer', tenant: 'acme', agentId: null, teams: [] },
  admin: { userId: 'admin-1', role: 'admin', tenant: 'acme', agentId: null, teams: [] },
  root: { userId: 'root', role: 'admin', tenant: '*', agentId: null, teams: [] },
};
let store: CallStore;
let server: QaServer;

async function as(user: keyof typeof who, path: string, method = 'GET') {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${await issueToken(tokens, who[user])}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The tenant's rows naming the agent: calls, legs. */
const rowsNaming = async (tenant: string, agentId: string) =>
  (
    await store.backend.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM calls WHERE tenant = $1 AND agent_id = $2)::int
            + (SELECT count(*) FROM call_legs WHERE tenant = $1 AND agent_id = $2)::int AS n`,
      [tenant, agentId],
    )
  )[0].n;

beforeAll(async () => {
  store = await openCallStore({});
  for (const tenant of ['acme', 'beta'])
    await store.write(
      syntheticEvents(
        syntheticStoreCall({ callId: 'c-1', tenant, agentId: 'ann', durationS: 30, alert: true }),
      ),
    );
  await store.finalizePending(0);
  server = await startQaServer({ store, tokens, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('DELETE /agents/{agentId}', () => {
  it('refuses agents (even their own id), supervisors and QA reviewers with 403, touching nothing', async () => {
    for (const user of ['ann', 'sup', 'qa'] as const) {
      const refused = await as(user, '/agents/ann', 'DELETE');
      expect(refused.status).toBe(403);
      expectDocumented('/agents/{agentId}', 'DELETE', 403, refused.body);
    }
    expect(await rowsNaming('acme', 'ann')).toBe(2);
  });

  it('refuses an empty, oversized, control-character or tombstone id with 400 INVALID_QUERY', async () => {
    for (const id of ['', 'x'.repeat(201), 'ann%01', 'erased-agent%3Aabc', '%E0%A4%A']) {
      const bad = await as('admin', `/agents/${id}`, 'DELETE');
      expect(bad.status, id).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'INVALID_QUERY' } });
      expectDocumented('/agents/{agentId}', 'DELETE', 400, bad.body);
    }
    // An admin of every tenant names the tenant.
    expect((await as('root', '/agents/ann', 'DELETE')).status).toBe(400);
    expect(await rowsNaming('acme', 'ann')).toBe(2);
  });

  it("erases the agent in the admin's tenant only, then reports nothing left", async () => {
    const erased = await as('admin', '/agents/ann', 'DELETE');
    expect(erased.status).toBe(200);
    expectDocumented('/agents/{agentId}', 'DELETE', 200, erased.body);
    expect(erased.body).toMatchObject({ tenant: 'acme', calls: 1 });
    expect(await rowsNaming('acme', 'ann')).toBe(0);
    expect(await rowsNaming('beta', 'ann')).toBe(2);
    expect((await as('admin', '/calls/c-1')).status).toBe(200);
    const again = await as('admin', '/agents/ann', 'DELETE');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ tenant: 'acme', calls: 0 });
    expect(Object.values(again.body.rows as Record<string, number>).every((n) => n === 0)).toBe(true);
  });

  it('lets an every-tenant admin erase in the tenant it names', async () => {
    const erased = await as('root', '/agents/ann?tenant=beta', 'DELETE');
    expect(erased.body).toMatchObject({ tenant: 'beta', calls: 1 });
    expect(await rowsNaming('beta', 'ann')).toBe(0);
  });

  it('audits each erasure with scope agent and the id digest, never the id', async () => {
    const audit = await as('admin', '/erasures');
    expect(audit.status).toBe(200);
    expectDocumented('/erasures', 'GET', 200, audit.body);
    const entries = audit.body.erasures as { scope: string; subjectDigest: string; requestedBy: string }[];
    expect(entries.map((e) => [e.scope, e.subjectDigest, e.requestedBy])).toEqual([
      ['agent', agentDigest('ann'), 'admin-1'],
      ['agent', agentDigest('ann'), 'admin-1'],
    ]);
    expect(JSON.stringify(audit.body)).not.toMatch(/\bann\b/);
  });
});
