// Against a real broker and real WebSockets: while the broker refuses every
// produce to the alerts topic (its max.message.bytes lowered below an alert's size; a stopped
// broker cannot be timed between the evaluator's fetch and its produce, a refused produce takes the
// same path), a rule that fires must not reach any client, because the alert is not in
// va.alerts.v1; once the broker accepts again, the alert is produced and pushed exactly once.
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import {
  alertIdsInTopic,
  connect,
  emotionRecord,
  login,
  sendEmotion,
  startCall,
  startHarness,
} from '../alerts/harness.ts';

/** Refuses (or accepts again) records of an alert's size and waits until the broker does so. */
async function refuseProduce(admin: Admin, topic: string, refuse: boolean): Promise<void> {
  const value = refuse ? '64' : '1048588';
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value }] },
    ],
  });
  // The broker applies topic configs asynchronously: probe until it behaves as configured.
  const producer = testKafka('ghost-probe').producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const accepted = await producer
        .send({ topic, acks: -1, messages: [{ key: 'probe', value: Buffer.alloc(256) }] })
        .then(() => true)
        .catch(() => false);
      if (accepted !== refuse) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`max.message.bytes=${value} never took effect`);
  } finally {
    await producer.disconnect();
  }
}

describe('ghost alerts', () => {
  it('pushes no alert while its produce is refused, and pushes it once after the broker accepts it', async () => {
    const h = await startHarness();
    const admin = testKafka().admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const callId = uniqueName('call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    await startCall(h, callId, 'agent-1');
    await supervisor.waitFor((f) => f.type === 'state' && JSON.stringify(f).includes(callId));

    await refuseProduce(admin, h.topics.alerts, true);
    for (let i = 0; i < 10; i += 1) {
      await sendEmotion(h, emotionRecord(callId, 'customer', i, i < 3 ? 'neutral' : 'angry'));
      await new Promise((r) => setTimeout(r, 50));
    }
    // The rule fires on window 5 at once; its produce keeps failing for as long as we hold this.
    await new Promise((r) => setTimeout(r, 4_000));
    const alertsWhileRefused = supervisor.frames.filter((f) => f.type === 'alert');
    expect(await alertIdsInTopic(h.topics.alerts)).toEqual([]);
    expect(alertsWhileRefused).toEqual([]);
    await refuseProduce(admin, h.topics.alerts, false);

    // The evaluator replays the partition from its held commit: the alert lands, then reaches the
    // client, once.
    const alertId = `demo/${callId}:customer:5:customer-frustration`;
    await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as { alertId: string }).alertId === alertId,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const inTopic = await alertIdsInTopic(h.topics.alerts);
    const pushed = supervisor.frames
      .filter((f) => f.type === 'alert')
      .map((f) => (f.alert as { alertId: string }).alertId);
    expect(new Set(pushed).size).toBe(pushed.length);
    for (const id of pushed) expect(inTopic).toContain(id);
  }, 120_000);
});
