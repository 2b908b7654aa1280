// A restart or deploy of the alert service must not wipe the wallboard: the snapshot a supervisor
// gets from the new run lists the alerts raised before it, with their acknowledgements (the fan-out
// re-reads va.alerts.v1; it used to read it from "now", and every earlier alert vanished), and the
// live view of the calls in progress (the fan-out re-reads the last minutes of emotions and
// features; read from now on, each call came back with an empty mood trend and no stress baseline),
// and a page connecting during that rebuild is welcomed once it is done (it got an empty snapshot,
// then every earlier alert pushed again).
import { describe, expect, it } from 'vitest';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { uniqueName } from '../../support/kafka.ts';
import { freePort } from '../../../devkit/free-port.ts';
import {
  connect,
  connectEarly,
  emotionRecord,
  login,
  prepareHarness,
  sendEmotion,
  sendFeatures,
  startCall,
  startHarness,
  startInstance,
  type Harness,
} from './harness.ts';
import { loadAlertServiceConfig } from '../../../services/alert-service/config.ts';

/** The calls of a fresh supervisor snapshot of this instance. */
async function snapshotCalls(h: Harness): Promise<CallView[]> {
  const c = await connect(h, await login(h, 'supervisor'));
  const snapshot = c.frames.find((f) => f.type === 'snapshot')!;
  c.ws.close();
  return snapshot.calls as CallView[];
}

describe('alert service restart', () => {
  it("keeps the alerts raised before it, and their acknowledgements, in the new run's snapshot", async () => {
    const h = await startHarness();
    const token = await login(h, 'supervisor');
    const client = await connect(h, token);
    const [acked, open] = [uniqueName('call'), uniqueName('call')];
    for (const callId of [acked, open]) await startCall(h, callId, 'agent-1', '', 'billing-queue');
    for (let i = 0; i < 10; i += 1)
      for (const callId of [acked, open]) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const alertOf = async (callId: string) =>
      (await client.waitFor((f) => f.type === 'alert' && (f.alert as AlertView).callId === callId, 20_000))
        .alert as AlertView;
    const first = await alertOf(acked);
    const second = await alertOf(open);
    client.send({ type: 'ack', alertId: first.alertId });
    await client.waitFor((f) => f.type === 'ack');

    await h.service.stop('deploy');
    const again = await startInstance(h);
    await expect
      .poll(
        async () => {
          const c = await connect(again, await login(again, 'supervisor'));
          const snapshot = c.frames.find((f) => f.type === 'snapshot')!;
          c.ws.close();
          return (snapshot.alerts as AlertView[])
            .map((a) => `${a.alertId} ${a.acknowledgedBy ?? 'open'}`)
            .sort();
        },
        { timeout: 20_000 },
      )
      .toEqual([`${first.alertId} supervisor`, `${second.alertId} open`].sort());
  });

  it('welcomes a page that connects during the rebuild only once rebuilt: the earlier alerts in its snapshot, none pushed again', async () => {
    const h = await startHarness();
    const token = await login(h, 'supervisor');
    const client = await connect(h, token);
    const calls = [uniqueName('call'), uniqueName('call')];
    for (const callId of calls) await startCall(h, callId, 'agent-1', '', 'billing-queue');
    for (let i = 0; i < 10; i += 1)
      for (const callId of calls) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const ids: string[] = [];
    for (const callId of calls)
      ids.push(
        (
          (
            await client.waitFor(
              (f) => f.type === 'alert' && (f.alert as AlertView).callId === callId,
              20_000,
            )
          ).alert as AlertView
        ).alertId,
      );
    await h.service.stop('deploy');

    // The new run's pages answer before its fan-out has re-read va.alerts.v1: a page that connects
    // then got an empty snapshot and every earlier alert again as new `alert` frames.
    const port = await freePort();
    let started = false;
    // Two connections per user: pages that leave while waiting must not hold theirs for good.
    const config = { ...h.config, ALERT_PORT: port, ALERT_WS_MAX_PER_USER: 2 };
    const starting = startInstance({ ...h, config }).then((again) => {
      started = true;
      return again;
    });
    const early = { wsUrl: `ws://127.0.0.1:${port}/ws` };
    const page = await connectEarly(early.wsUrl);
    expect(started, 'connected before the service was started').toBe(false);
    // Two pages of the same user authenticate and leave before their welcome.
    for (let i = 0; i < 2; i += 1) {
      const leaving = await connect(early, null);
      leaving.send({ type: 'auth', token });
      await new Promise((resolve) => setTimeout(resolve, 50));
      leaving.ws.close();
      await leaving.closed;
    }
    page.send({ type: 'auth', token });
    const snapshot = await page.waitFor((f) => f.type === 'snapshot', 30_000);
    expect((snapshot.alerts as AlertView[]).map((a) => a.alertId)).toEqual(expect.arrayContaining(ids));
    await starting;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = page.frames.filter(
      (f) => f.type === 'alert' && ids.includes((f.alert as AlertView).alertId),
    );
    expect(again).toEqual([]);
    // The user's second page still gets in (the leavers' slots were freed, not kept).
    const second = await connect(early, token);
    expect(second.frames.some((f) => f.type === 'snapshot')).toBe(true);
  });

  it('rebuilds the live view of calls in progress from the last minutes, and leaves ended calls out', async () => {
    const h = await startHarness();
    const [live, ended] = [uniqueName('call'), uniqueName('call')];
    for (const callId of [live, ended]) await startCall(h, callId, 'agent-1', '', 'billing-queue');
    // The agent's first 12 speech windows: the voice-stress baseline is learnt over the first 10.
    for (let i = 0; i < 12; i += 1) await sendFeatures(h, live, 'agent', i, { tension: 0.3, rate: 4 });
    for (let i = 0; i < 6; i += 1)
      for (const callId of [live, ended])
        await sendEmotion(h, emotionRecord(callId, 'customer', i, 'neutral'));
    // Ended two minutes ago: past the minute an ended call stays on the wallboard.
    await sendRecords(h.producer, [callEnded(h.topics.calls, ended, Date.now() - 120_000)]);
    const rebuilt = (calls: CallView[]) => {
      const call = calls.find((c) => c.callId === live);
      return {
        live: call && { moodPoints: call.moodPoints, tensionFrom: call.agent.tensionFrom },
        ended: calls.some((c) => c.callId === ended),
      };
    };
    const expected = { live: { moodPoints: 6, tensionFrom: 'call-start' }, ended: false };
    await expect.poll(async () => rebuilt(await snapshotCalls(h)), { timeout: 20_000 }).toEqual(expected);

    await h.service.stop('deploy');
    const again = await startInstance(h);
    // Ready once the fan-out has read what the topics held at its start (the rebuild included).
    const readyz = async () => (await fetch(`http://127.0.0.1:${again.service.base.ops.port}/readyz`)).text();
    await expect.poll(readyz, { timeout: 20_000 }).toBe('ready\n');
    // (The ended call may show as ended until the registry's next purge, within the state interval.)
    await expect.poll(async () => rebuilt(await snapshotCalls(again)), { timeout: 5_000 }).toEqual(expected);
    // Past the registry's next purge (the state interval, 1 s): the ended call's re-read emotions
    // did not bring it back as a call in progress.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(rebuilt(await snapshotCalls(again))).toEqual(expected);
  });

  it('keeps signed-in pages signed in across a deploy that rotates the token key (JWT_PREVIOUS_SECRET)', async () => {
    const [oldKey, newKey] = [
      'rotation-old-key-k7Qm2Vx9Lp4Rt8Wz1Ys6',
      'rotation-new-key-p3Xw8Nq1Zr6Tv9Bm2Kd7',
    ];
    const { env, ...prepared } = await prepareHarness({ JWT_SECRET: oldKey });
    const before = await startInstance(prepared);
    const token = await login(before, 'supervisor');
    await before.service.stop('deploy');

    const rotated = loadAlertServiceConfig({ ...env, JWT_SECRET: newKey, JWT_PREVIOUS_SECRET: oldKey });
    const after = await startInstance({ ...prepared, config: rotated });
    const page = await connect(after, token); // resolves at its snapshot: the old token is accepted
    expect(page.frames.some((f) => f.type === 'snapshot')).toBe(true);
    const fresh = await connect(after, await login(after, 'supervisor'));
    expect(fresh.frames.some((f) => f.type === 'snapshot')).toBe(true);
  });
});
