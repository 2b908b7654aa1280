// Against the real alert service on the real broker over real WebSockets: a
// wallboard seeing more than ~1 460 live calls could not connect (its snapshot, over the 1 MiB
// send-buffer limit, was taken for a slow client: close 4008); and nothing capped how many sockets
// one address or one user held. Now the snapshot does not count against the slow-client limit
// (3 000 calls arrive whole), and sockets over a cap are closed with 4029 naming the cap.
import { describe, expect, it } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { uniqueName } from '../../support/kafka.ts';
import { connect, login, startHarness } from '../alerts/harness.ts';
import { callStarted } from '../../../devkit/records/alert-records.ts';

const CALLS = 3_000;

describe('wallboard connections', () => {
  it('gives a supervisor who sees 3 000 live calls all of them in the snapshot', async () => {
    const h = await startHarness();
    const prefix = uniqueName('many').replace('.', '-');
    const ids = Array.from({ length: CALLS }, (_, k) => `${prefix}-${k}`);
    await sendRecords(
      h.producer,
      ids.map((id) =>
        callStarted(h.topics.calls, id, `agent-${id}`, 'a-queue-name-of-some-length', 'billing'),
      ),
    );
    await expect.poll(() => h.service.registry.size(), { timeout: 60_000 }).toBe(CALLS);

    const wallboard = await connect(h, await login(h, 'supervisor'));
    const snapshot = wallboard.frames.find((f) => f.type === 'snapshot');
    const calls = (snapshot?.calls ?? []) as { callId: string }[];
    expect(JSON.stringify(snapshot).length).toBeGreaterThan(h.config.ALERT_MAX_BUFFERED_BYTES);
    expect(new Set(calls.map((c) => c.callId))).toEqual(new Set(ids));
    // Still connected after the snapshot: a heartbeat answers a ping.
    wallboard.send({ type: 'ping', t: 1 });
    await wallboard.waitFor((f) => f.type === 'pong');
  });

  it('keeps a wallboard that reads through a state push larger than the send-buffer limit', async () => {
    // 3 000 calls starting within one state interval give one state frame as large as their
    // snapshot; it was taken for a slow client and every wallboard seeing them was cut (4008).
    const h = await startHarness();
    const wallboard = await connect(h, await login(h, 'supervisor'));
    const prefix = uniqueName('burst').replace('.', '-');
    const ids = Array.from({ length: CALLS }, (_, k) => `${prefix}-${k}`);
    const startedAtMs = Date.now();
    for (const callId of ids)
      h.service.registry.start({
        callId,
        tenant: 'demo',
        agentId: `agent-${callId}`,
        team: 'billing',
        queue: 'a-queue-name-of-some-length',
        startedAtMs,
      });
    const burst = await wallboard.waitFor((f) => f.type === 'state');
    expect(JSON.stringify(burst).length).toBeGreaterThan(h.config.ALERT_MAX_BUFFERED_BYTES);
    expect(new Set((burst.calls as { callId: string }[]).map((c) => c.callId))).toEqual(new Set(ids));
    wallboard.send({ type: 'ping', t: 1 });
    await wallboard.waitFor((f) => f.type === 'pong');
    expect(h.service.hub.droppedSlowClients()).toBe(0);
  });

  it('closes sockets over the unauthenticated and per-user caps with 4029', async () => {
    const h = await startHarness({
      ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS: '3',
      ALERT_WS_MAX_PER_USER: '2',
      ALERT_AUTH_TIMEOUT_MS: '60000',
    });
    const waiting = [await connect(h, null), await connect(h, null), await connect(h, null)];
    const fourth = await connect(h, null);
    expect(await fourth.closed).toEqual({ code: 4029, reason: 'TOO_MANY_UNAUTHENTICATED' });
    for (const socket of waiting) socket.ws.close();
    await Promise.all(waiting.map((socket) => socket.closed));

    const token = await login(h, 'supervisor');
    const first = await connect(h, token);
    await connect(h, token);
    const third = await connect(h, null);
    third.send({ type: 'auth', token });
    expect(await third.closed).toEqual({ code: 4029, reason: 'TOO_MANY_FOR_USER' });
    // Another user is not affected, and a closed socket gives the user its place back.
    await connect(h, await login(h, 'admin'));
    first.ws.close();
    await first.closed;
    const again = await connect(h, token);
    expect(again.frames.some((f) => f.type === 'snapshot')).toBe(true);
  });

  it('counts pages behind a trusted proxy by the address it forwards, and ignores a forged one', async () => {
    // Behind an ingress every page comes from the controller's address: with the controller's
    // range in LOGIN_TRUSTED_PROXIES each page counts as its own address.
    const h = await startHarness({
      ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS: '2',
      ALERT_AUTH_TIMEOUT_MS: '60000',
      LOGIN_TRUSTED_PROXIES: '127.0.0.0/8,::1',
    });
    const from = (forwardedFor: string) => connect(h, null, { forwardedFor });
    await from('203.0.113.1');
    await from('203.0.113.1');
    expect(await (await from('203.0.113.1')).closed).toEqual({
      code: 4029,
      reason: 'TOO_MANY_UNAUTHENTICATED',
    });
    const other = await from('203.0.113.2');
    other.send({ type: 'auth', token: await login(h, 'supervisor') });
    await other.waitFor((f) => f.type === 'snapshot');

    // Without a trusted proxy the header is the client's own word: all count as the socket's address.
    const direct = await startHarness({
      ALERT_WS_MAX_UNAUTHENTICATED_PER_ADDRESS: '2',
      ALERT_AUTH_TIMEOUT_MS: '60000',
    });
    await connect(direct, null, { forwardedFor: '203.0.113.1' });
    await connect(direct, null, { forwardedFor: '203.0.113.2' });
    const forged = await connect(direct, null, { forwardedFor: '203.0.113.3' });
    expect(await forged.closed).toEqual({ code: 4029, reason: 'TOO_MANY_UNAUTHENTICATED' });
  });
});
