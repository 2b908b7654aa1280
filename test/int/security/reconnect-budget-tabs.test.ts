// Review revpen31: a session refused for ALERT_WS_MAX_PER_USER (no snapshot sent) must not spend
// the user's sessions-per-minute budget. A supervisor with one tab over the per-user cap sees it
// retried by its page (every 10 s); each refused retry spent a welcome, so the budget meant for
// snapshots drained and the live tabs were then locked out (4029 TOO_MANY_RECONNECTS) at their
// next reconnect (a proxy blip). Real service and WebSockets.
import { describe, expect, it } from 'vitest';
import { connect, login, startHarness, type Harness } from '../alerts/harness.ts';

async function open(h: Harness, token: string): Promise<{ outcome: string; close: () => Promise<void> }> {
  const page = await connect(h, null);
  page.send({ type: 'auth', token });
  const outcome = await Promise.race([
    page.waitFor((f) => f.type === 'snapshot').then(() => 'welcomed'),
    page.closed.then((c) => `${c.code} ${c.reason}`),
  ]);
  return {
    outcome,
    close: async () => {
      page.ws.close();
      await page.closed;
    },
  };
}

describe('sessions refused for the per-user cap', () => {
  it('do not spend the per-minute budget of the tabs that are live', async () => {
    const h = await startHarness({ ALERT_WS_MAX_PER_USER: '2', ALERT_WS_MAX_SESSIONS_PER_USER_PER_MIN: '4' });
    const token = await login(h, 'supervisor');
    const a = await open(h, token);
    const b = await open(h, token);
    expect([a.outcome, b.outcome]).toEqual(['welcomed', 'welcomed']);
    // A third tab, over the cap, retried by its page: refused each time, no snapshot.
    for (let i = 0; i < 3; i += 1) {
      const extra = await open(h, token);
      expect(extra.outcome).not.toBe('welcomed');
    }
    // One live tab drops (proxy blip) and reconnects: it must be welcomed again.
    await a.close();
    const again = await open(h, token);
    expect(again.outcome).toBe('welcomed');
  });
});
