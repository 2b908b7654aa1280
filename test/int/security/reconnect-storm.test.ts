// Pen-test pen31: one user's reconnect storm. The caps bounded how many sockets a user holds at
// once (ALERT_WS_MAX_PER_USER), not how often it opens them: a script connecting, taking its full
// snapshot (the hub's costliest frame, built on the event loop every tenant's pages share) and
// closing, ten sockets at a time, was welcomed without limit. Sessions per user and minute are
// now bounded (ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN); past it the socket is closed 4029
// TOO_MANY_RECONNECTS before any snapshot, and other users are not affected. Real service and
// WebSockets.
import { describe, expect, it } from 'vitest';
import { connect, login, startHarness, type Harness } from '../alerts/harness.ts';

/** One session: authenticated, its snapshot read, closed. Resolves to the close, or 'welcomed'. */
async function session(h: Harness, token: string): Promise<string> {
  const page = await connect(h, null);
  page.send({ type: 'auth', token });
  const outcome = await Promise.race([
    page.waitFor((f) => f.type === 'snapshot').then(() => 'welcomed'),
    page.closed.then((c) => `${c.code} ${c.reason}`),
  ]);
  page.ws.close();
  await page.closed;
  return outcome;
}

describe("one user's reconnects", () => {
  it('are welcomed up to the per-minute budget, then refused 4029 without a snapshot; others go on', async () => {
    const h = await startHarness({ ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN: '5' });
    const token = await login(h, 'supervisor');
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i += 1) outcomes.push(await session(h, token));
    expect(outcomes).toEqual([
      ...Array<string>(5).fill('welcomed'),
      ...Array<string>(3).fill('4029 TOO_MANY_RECONNECTS'),
    ]);
    // Another user of the tenant is not held by it.
    expect(await session(h, await login(h, 'qa'))).toBe('welcomed');
  });
});
