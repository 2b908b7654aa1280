// A restart or deploy of the alert service must not wipe the wallboard: the snapshot a supervisor
// gets from the new run lists the alerts raised before it, with their acknowledgements (the fan-out
// re-reads va.alerts.v1; it used to read it from "now", and every earlier alert vanished).
import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { uniqueName } from '../../support/kafka.ts';
import {
  connect,
  emotionRecord,
  login,
  sendEmotion,
  startCall,
  startHarness,
  startInstance,
} from './harness.ts';

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
});
