// The shared client of the call-store's history route (alert-service line, routing-service summary), against a real local HTTP server:
// a service token of the tenant asked about (never a page token) in the header, the timeout, the cache
// and its invalidation.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistoryClient, historyAllowed } from '../../../../services/shared/customer-history-client.ts';
import { verifyServiceToken } from '../../../../services/shared/auth/service-token.ts';
import { listen } from '../../../../services/shared/listen.ts';
import { HISTORY_SUMMARY } from '../../../../devkit/records/history-summary.ts';

const tokens = {
  secret: new TextEncoder().encode('history-client-test-key-0123456789'),
  issuer: 'va-alert-service',
};
const REF = `cref1_${'A'.repeat(43)}`;
const SUMMARY = HISTORY_SUMMARY;
let server: { port: number; close(): Promise<void> } | undefined;

async function serve(
  handler: (
    url: URL,
    auth: string | undefined,
  ) => Promise<{ status: number; body: unknown; delayMs?: number }>,
) {
  const seen: URL[] = [];
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url);
    void handler(url, req.headers.authorization).then(async ({ status, body, delayMs }) => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  server = await listen(http, 0, '127.0.0.1');
  return seen;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (timeoutMs = 500, more: Partial<Parameters<typeof createHistoryClient>[0]> = {}) =>
  createHistoryClient({
    service: 'alert-service',
    baseUrl: `http://127.0.0.1:${server!.port}`,
    tokens,
    timeoutMs,
    cacheMs: 60_000,
    windowDays: 7,
    ...more,
  });

describe('history client', () => {
  it("says once that the store refuses its token (a service key that differs from the store's)", async () => {
    await serve(async () => ({ status: 401, body: {} }));
    const refused: number[] = [];
    const history = createHistoryClient({
      service: 'routing-service',
      baseUrl: `http://127.0.0.1:${server!.port}`,
      tokens,
      timeoutMs: 500,
      cacheMs: 0,
      windowDays: 7,
      onRefused: (status) => refused.push(status),
    });
    for (const call of ['c1', 'c2', 'c3'])
      expect((await history.lookup('acme', REF, call)).outcome).toBe('error');
    expect(refused).toEqual([401]);
  });

  it('asks with a service token and the call to leave out, then serves the cache until a call ends', async () => {
    let n = 0;
    const seen = await serve(async (_url, auth) => {
      n += 1;
      const caller = await verifyServiceToken(auth, tokens);
      return caller?.service === 'alert-service' && caller.tenant === 'acme'
        ? { status: 200, body: { ...SUMMARY, line: `answer ${n}` } }
        : { status: 401, body: {} };
    });
    const history = client();
    expect(await history.lookup('acme', REF, 'call-2')).toEqual({
      line: 'answer 1',
      summary: { ...SUMMARY, transferred: false, previousLegEndState: null, line: 'answer 1' },
      outcome: 'line',
    });
    expect(seen[0].pathname).toBe(`/internal/customers/${REF}/history`);
    expect(Object.fromEntries(seen[0].searchParams)).toEqual({
      tenant: 'acme',
      excludeCallId: 'call-2',
      windowDays: '7',
    });
    expect((await history.lookup('acme', REF, 'call-3')).outcome).toBe('cached');
    history.invalidate('acme', REF);
    expect(await history.lookup('acme', REF, 'call-3')).toMatchObject({
      line: 'answer 2',
      outcome: 'line',
    });
    // A transferred call (previous_call_id) asks with its earlier leg, past the customer's cached
    // answer, and its own answer is not kept for the customer's next call.
    expect(await history.lookup('acme', REF, 'call-4', undefined, '', 'call-3')).toMatchObject({
      line: 'answer 3',
      outcome: 'line',
    });
    expect(seen[2].searchParams.get('previousCallId')).toBe('call-3');
    expect((await history.lookup('acme', REF, 'call-5')).outcome).toBe('cached');
    expect((await history.lookup('acme', REF, 'call-5')).line).toBe('answer 2');
  });

  it("asks during a key rotation for the previous pseudonym's calls too, never for a raw reference", async () => {
    const seen = await serve(async () => ({ status: 200, body: { ...SUMMARY, line: null } }));
    const previous = `cref1_${'P'.repeat(43)}`;
    await client().lookup('acme', REF, 'call-1', undefined, previous);
    await client().lookup('acme', REF, 'call-2', undefined, '+15551234567');
    await client().lookup('acme', REF, 'call-3', undefined, REF);
    expect(seen.map((url) => url.searchParams.get('previousRef'))).toEqual([previous, null, null]);
  });

  it("asks about each tenant with that tenant's own token, reused while it is fresh", async () => {
    const asked: string[] = [];
    await serve(async (url, auth) => {
      const caller = await verifyServiceToken(auth, tokens);
      asked.push(`${url.searchParams.get('tenant')}:${caller?.tenant}:${auth}`);
      return { status: 200, body: { ...SUMMARY, line: null } };
    });
    const history = client(500, { cacheMs: 0 });
    for (const tenant of ['acme', 'globex', 'acme']) await history.lookup(tenant, REF, 'c1');
    const [acme1, globex, acme2] = asked.map((a) => a.split(':'));
    expect([acme1[0], acme1[1], globex[0], globex[1]]).toEqual(['acme', 'acme', 'globex', 'globex']);
    expect(acme2[2]).toBe(acme1[2]); // the same token
    expect(globex[2]).not.toBe(acme1[2]);
  });

  it('keeps a tenant token for half its 5 minutes, then signs a new one', async () => {
    const auths: string[] = [];
    await serve(async (_url, auth) => {
      auths.push(auth ?? '');
      return { status: 200, body: { ...SUMMARY, line: null } };
    });
    let t = 1_000_000;
    const history = client(500, { cacheMs: 0, now: () => t });
    await history.lookup('acme', REF, 'c1');
    // A token signed a real second later differs (its iat), so a re-signed one would show.
    await new Promise((r) => setTimeout(r, 1100));
    t += 149_000;
    await history.lookup('acme', REF, 'c1');
    t += 2_000;
    await history.lookup('acme', REF, 'c1');
    expect(auths[1]).toBe(auths[0]);
    expect(auths[2]).not.toBe(auths[0]);
  });

  it('gives up after the timeout and on errors, without throwing', async () => {
    await serve(async (url) =>
      url.searchParams.get('excludeCallId') === 'slow'
        ? { status: 200, body: { line: 'late' }, delayMs: 400 }
        : { status: 500, body: {} },
    );
    const history = client(100);
    const nothing = { line: null, summary: null };
    expect(await history.lookup('acme', REF, 'slow')).toEqual({ ...nothing, outcome: 'timeout' });
    expect(await history.lookup('acme', REF, 'other')).toEqual({ ...nothing, outcome: 'error' });
  });

  it('reads a malformed answer as no history: bad counts as 0, no line as none', async () => {
    let body: unknown = { ...SUMMARY, recentCalls: -3, escalations: 'many', line: '2nd call' };
    await serve(async () => ({ status: 200, body }));
    const history = client();
    expect((await history.lookup('acme', REF, 'a')).summary).toMatchObject({
      recentCalls: 0,
      escalations: 0,
    });
    body = { ...SUMMARY, line: 42 };
    history.invalidate('acme', REF);
    expect(await history.lookup('acme', REF, 'b')).toEqual({ line: null, summary: null, outcome: 'none' });
  });

  it('never looks up a call without a customer, without analytics consent or opted out', () => {
    const ok = { customerRef: REF, consent: { analytics: true } };
    expect(historyAllowed(ok)).toBe(true);
    expect(historyAllowed({ ...ok, customerRef: '' })).toBe(false);
    expect(historyAllowed({ ...ok, consent: { analytics: false } })).toBe(false);
    expect(historyAllowed({ ...ok, consent: { analytics: true, historyOptOut: true } })).toBe(false);
  });
});
