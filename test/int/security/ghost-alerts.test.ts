// Issue 13 point 13(a), against a real broker and real WebSockets: while the broker refuses every
// produce to the alerts topic (its max.message.bytes lowered below an alert's size; a stopped
// broker cannot be timed between the evaluator's fetch and its produce, a refused produce takes the
// same path), a rule that fires must not reach any client, because the alert is not in
// va.alerts.v1.
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { alertRecordCodec } from '../../../services/alert-service/alert-records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { connect, emotionRecord, login, sendEmotion, startCall, startHarness } from '../alerts/harness.ts';

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

/** Alert ids in the topic, read from the beginning by a consumer of its own. */
async function alertIdsInTopic(topic: string, waitMs: number): Promise<string[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('ghost-check') });
  const ids: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          ids.push(alertRecordCodec.decode(message.value, message.headers as never).alertId);
        } catch {
          // acknowledgements share the topic
        }
      },
    });
    await new Promise((r) => setTimeout(r, waitMs));
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('ghost alerts', () => {
  it('pushes no alert to clients while its produce to the alerts topic is refused', async () => {
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
    // The rule fires on window 7 at once; its produce keeps failing for as long as we hold this.
    await new Promise((r) => setTimeout(r, 4_000));
    const alertsWhileRefused = supervisor.frames.filter((f) => f.type === 'alert');
    expect(await alertIdsInTopic(h.topics.alerts, 1_500)).toEqual([]);
    expect(alertsWhileRefused).toEqual([]);
    await refuseProduce(admin, h.topics.alerts, false);
  }, 120_000);
});
