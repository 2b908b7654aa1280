// Over a real broker, real HTTP and real WebSockets: a sign-out is server-side. The alert
// service and the call store (two services, each with its own revocation feed on the same
// va.revocations.v1 topic) refuse a token once it signed out at either of them, the live socket it
// opened closes with 4001 TOKEN_REVOKED, a restarted instance still refuses it, and
// `npm run revoke-user` signs a user out everywhere while a later sign-in works.
import { spawn } from 'node:child_process';
import { inject, describe, expect, it, onTestFinished } from 'vitest';
import { startQaServer } from '../../../services/call-store/http/server.ts';
import { openCallStore } from '../../../services/call-store/store.ts';
import { createRevocationFeed } from '../../../services/shared/auth/revocation-feed.ts';
import { storeFeedConnection, storeTokens } from './store-fixture.ts';
import { freePort } from '../../../devkit/free-port.ts';
import {
  connect,
  connectEarly,
  login,
  startAnotherInstance,
  startHarness,
  startInstance,
  type Harness,
} from '../alerts/harness.ts';

/** The call store's QA API in this process, reading the harness's revocations topic. */
async function startCallStore(h: Harness): Promise<string> {
  const connection = await storeFeedConnection(h.topics.revocations, 'call-store-test');
  const revocations = createRevocationFeed(connection);
  await revocations.start();
  const store = await openCallStore({});
  const server = await startQaServer({
    store,
    tokens: storeTokens(h.config),
    port: 0,
    revocations,
  });
  onTestFinished(async () => {
    await server.close();
    await store.close();
    await revocations.stop();
    await connection.producer.disconnect();
  });
  return `http://127.0.0.1:${server.port}`;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Status of GET /calls with the token, polled until it is `status` (revocations arrive through Kafka). */
async function callsStatusBecomes(storeUrl: string, token: string, status: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = (await fetch(`${storeUrl}/calls`, { headers: bearer(token) })).status;
    if (got === status || Date.now() > deadline) return got;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The close a socket that signs in with `token` gets (or 'welcome' when it is let in). */
async function signInOutcome(h: Harness, token: string): Promise<string> {
  const client = await connect(h, null);
  client.send({ type: 'auth', token });
  return Promise.race([
    client.closed.then(({ code, reason }) => `${code} ${reason}`),
    client.waitFor((f) => f.type === 'snapshot', 15_000).then(() => 'welcome'),
  ]);
}

function revokeUser(h: Harness, tenant: string, user: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    ['services/shared/auth/revoke-user.ts', '--tenant', tenant, '--user', user],
    {
      env: {
        ...process.env,
        KAFKA_BROKERS: inject('kafkaBrokers').join(','),
        REVOCATIONS_TOPIC: h.topics.revocations,
        TOPIC_PARTITIONS: '3',
      },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('sign-out is server-side', () => {
  it('a signed-out token is refused by both services and its socket closes; revoke-user signs a user out everywhere', async () => {
    const h = await startHarness();
    const storeUrl = await startCallStore(h);
    const first = await login(h, 'supervisor');
    const second = await login(h, 'supervisor');
    const live = await connect(h, first);
    expect((await fetch(`${storeUrl}/calls`, { headers: bearer(first) })).status).toBe(200);

    // Bad sign-outs change nothing.
    expect((await fetch(`${h.baseUrl}/api/logout`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/api/logout`, { headers: bearer(first) })).status).toBe(405);
    const badBody = await fetch(`${h.baseUrl}/api/logout`, {
      method: 'POST',
      headers: { ...bearer(first), 'content-type': 'application/json' },
      body: '{"everywhere": "yes"}',
    });
    expect(badBody.status).toBe(400);

    // Sign out of the alert service: this socket closes, the call store refuses the token.
    expect((await fetch(`${h.baseUrl}/api/logout`, { method: 'POST', headers: bearer(first) })).status).toBe(
      204,
    );
    expect(await live.closed).toEqual({ code: 4001, reason: 'TOKEN_REVOKED' });
    expect(await signInOutcome(h, first)).toBe('4001 TOKEN_REVOKED');
    expect(await callsStatusBecomes(storeUrl, first, 401)).toBe(401);
    const refused = await fetch(`${storeUrl}/calls`, { headers: bearer(first) });
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    // The same user's other sign-in is untouched.
    expect((await fetch(`${storeUrl}/calls`, { headers: bearer(second) })).status).toBe(200);
    expect(await signInOutcome(h, second)).toBe('welcome');

    // A restarted (here: another) instance reads the revocation from the beginning.
    const restarted = await startAnotherInstance(h);
    expect(await signInOutcome(restarted, first)).toBe('4001 TOKEN_REVOKED');
    expect(await signInOutcome(restarted, second)).toBe('welcome');

    // Sign out at the call store, everywhere: the alert service's socket of that user closes.
    const onBoard = await connect(h, second);
    const storeLogout = await fetch(`${storeUrl}/auth/logout`, {
      method: 'POST',
      headers: { ...bearer(second), 'content-type': 'application/json' },
      body: '{"everywhere": true}',
    });
    expect(storeLogout.status).toBe(204);
    expect(await onBoard.closed).toEqual({ code: 4001, reason: 'TOKEN_REVOKED' });
    expect(await callsStatusBecomes(storeUrl, second, 401)).toBe(401);

    // A new sign-in a second later works; `revoke-user` then signs the user out everywhere.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const third = await login(h, 'supervisor');
    expect(await callsStatusBecomes(storeUrl, third, 200)).toBe(200);
    const onBoardAgain = await connect(h, third);
    const revoked = await revokeUser(h, 'demo', 'supervisor');
    expect(revoked.code, revoked.out).toBe(0);
    expect(revoked.out).toContain('user revoked');
    expect(await onBoardAgain.closed).toEqual({ code: 4001, reason: 'TOKEN_REVOKED' });
    expect(await callsStatusBecomes(storeUrl, third, 401)).toBe(401);
    expect(await signInOutcome(restarted, third)).toBe('4001 TOKEN_REVOKED');
    // Another user of the tenant is not affected.
    const lead = await login(h, 'lead-billing');
    expect(await signInOutcome(h, lead)).toBe('welcome');
  }, 120_000);

  it('a page signing in while a new instance still reads the revocations is not let in with a signed-out token', async () => {
    const h = await startHarness();
    const token = await login(h, 'supervisor');
    expect((await fetch(`${h.baseUrl}/api/logout`, { method: 'POST', headers: bearer(token) })).status).toBe(
      204,
    );
    await h.service.stop('deploy');
    // The new run's pages answer before it has read va.revocations.v1: the token was verified
    // against an empty list, waited for the rebuild, and got its snapshot (review).
    const port = await freePort();
    const starting = startInstance({ ...h, config: { ...h.config, ALERT_PORT: port } });
    const page = await connectEarly(`ws://127.0.0.1:${port}/ws`);
    page.send({ type: 'auth', token });
    expect(await page.closed).toEqual({ code: 4001, reason: 'TOKEN_REVOKED' });
    expect(page.frames.some((f) => f.type === 'snapshot')).toBe(false);
    await starting;
  }, 90_000);

  it('revoke-user refuses bad arguments with a usage line', async () => {
    const h = await startHarness();
    const bad = await revokeUser(h, 'Acme Corp', 'sam');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('USAGE: --tenant must be');
  }, 60_000);
});
