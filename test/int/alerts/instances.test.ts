// Two alert-service instances side by side on one broker: the shared evaluator group raises each
// alert once (one id), each instance's fan-out pushes it to its own clients, and an acknowledgement made on
// one instance reaches the viewers of the other.
import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { decodeAlertsTopic } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import {
  connect,
  emotionRecord,
  login,
  sendEmotion,
  startAnotherInstance,
  startCall,
  startHarness,
} from './harness.ts';

describe('several alert-service instances', () => {
  it('raise each alert once and fan alerts and acknowledgements out to the clients of both', async () => {
    const a = await startHarness();
    const b = await startAnotherInstance(a);
    expect(b.service.instanceId).not.toBe(a.service.instanceId);
    const token = await login(a, 'supervisor'); // one key: a token from A works on B
    const onA = await connect(a, token);
    const onB = await connect(b, token);
    const callId = uniqueName('call');
    await startCall(a, callId, 'agent-1');
    for (let i = 0; i < 6; i += 1) await sendEmotion(a, emotionRecord(callId, 'customer', i, 'angry'));
    const isFrustration = (f: { type: string; alert?: unknown }) =>
      f.type === 'alert' && (f.alert as AlertView).ruleId === 'customer-frustration';
    const alertId = ((await onA.waitFor(isFrustration)).alert as AlertView).alertId;
    expect(((await onB.waitFor(isFrustration)).alert as AlertView).alertId).toBe(alertId);

    onA.send({ type: 'ack', alertId });
    const ack = await onB.waitFor((f) => f.type === 'ack');
    expect(ack.ack).toMatchObject({ alertId, acknowledgedBy: 'supervisor' });

    await new Promise((r) => setTimeout(r, 1500));
    const consumer = testKafka().consumer({ groupId: uniqueName('check') });
    await consumer.connect();
    await consumer.subscribe({ topics: [a.topics.alerts], fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const d = decodeAlertsTopic(message.value, message.headers as never);
          seen.push(`${d.schema}:${d.value.alertId}`);
          if (d.schema === 'ack') resolve();
        },
      });
    });
    await new Promise((r) => setTimeout(r, 1000));
    await consumer.disconnect();
    // One distinct frustration alert; a rebalance replay may write the same id again (at-least-once).
    const frustration = seen.filter((s) => s.startsWith('alert:') && s.endsWith(':customer-frustration'));
    expect(new Set(frustration)).toEqual(new Set([`alert:${alertId}`]));
    expect(onA.frames.filter(isFrustration)).toHaveLength(1);
    expect(onB.frames.filter(isFrustration)).toHaveLength(1);
  });
});
