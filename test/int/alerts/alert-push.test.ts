// End to end through a real broker and real WebSockets: a call whose customer turns angry; the
// supervisor gets the frustration alert within 2 s of the condition holding, the call's agent gets
// the cue, another agent gets nothing about the call; acknowledgements are stored and broadcast.
import { describe, expect, it } from 'vitest';
import { callStarted } from '../../../devkit/records/alert-records.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { alertAckCodec, deadLetterCodec, decodeAlertsTopic } from '../../../services/shared/records.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import {
  connect,
  emotionRecord,
  login,
  sendEmotion,
  startCall,
  startHarness,
  type Frame,
} from './harness.ts';

const aboutCall = (callId: string) => (f: Frame) => JSON.stringify(f).includes(callId);

describe('alert-service push', () => {
  it('pushes the frustration alert to the supervisor within 2 s, the cue to the agent, nothing to another agent', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const agent = await connect(h, await login(h, 'agent-1'));
    const otherAgent = await connect(h, await login(h, 'agent-3'));
    await startCall(h, callId, 'agent-1');
    await supervisor.waitFor((f) => f.type === 'state' && aboutCall(callId)(f));

    // Customer: 3 calm windows, then angry; the rule holds at the 3rd angry window (4 s of speech).
    let conditionAt = 0;
    for (let i = 0; i < 10; i += 1) {
      const state = i < 3 ? 'neutral' : 'angry';
      const at = await sendEmotion(h, emotionRecord(callId, 'customer', i, state));
      if (i === 4) conditionAt = at;
      await new Promise((r) => setTimeout(r, 100));
    }
    const alert = await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as { ruleId: string }).ruleId === 'customer-frustration',
    );
    const view = alert.alert as { ruleId: string; alertId: string; message: string; severity: string };
    expect(view.ruleId).toBe('customer-frustration');
    expect(view.alertId).toBe(`demo/${callId}:customer:5:customer-frustration`);
    expect(view.severity).toBe('critical');
    expect(view.message).toContain('pitch +3.4 st over baseline');
    expect(alert.receivedAtMs - conditionAt).toBeLessThan(2000);

    const cue = await agent.waitFor(
      (f) => f.type === 'alert' && (f.alert as { ruleId: string }).ruleId === 'customer-frustration',
    );
    expect((cue.alert as { cue: string }).cue).toMatch(/acknowledge the feeling/);
    // The last hop is measured: raised -> first client, and each push that was sent.
    const registry = h.service.base.metrics.registry;
    expect(await registry.getSingleMetricAsString('va_alert_push_seconds')).toMatch(
      /va_alert_push_seconds_count\{[^}]*\} [1-9]/,
    );
    const pushes = (await registry.getSingleMetric('va_alert_ws_events_total')!.get()).values.find(
      (v) => v.labels.event === 'alert_pushed',
    );
    expect(pushes?.value).toBe(2); // the supervisor and the call's agent
    await agent.waitFor(
      (f) => f.type === 'state' && ((f.calls as { cue: string | null }[])[0]?.cue ?? '').length > 0,
    );

    // The other agent asks for the alert anyway: refused, and it never saw the call.
    otherAgent.send({ type: 'ack', alertId: view.alertId });
    const refused = await otherAgent.waitFor((f) => f.type === 'error');
    expect(refused.code).toBe('UNKNOWN_ALERT');
    await new Promise((r) => setTimeout(r, 1200));
    expect(otherAgent.frames.filter(aboutCall(callId))).toEqual([]);
    expect(otherAgent.frames.filter((f) => f.type === 'alert')).toEqual([]);

    // Live state reaches the supervisor at least every second while the call is active.
    const states = supervisor.frames.filter((f) => f.type === 'state' && aboutCall(callId)(f));
    expect(states.length).toBeGreaterThanOrEqual(2);
    const customer = (states.at(-1)!.calls as { customer: { state: string; valence: number } }[])[0].customer;
    expect(customer.state).toBe('angry');
  });

  it('stores an acknowledgement in Kafka and broadcasts it to the other viewers', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const first = await connect(h, await login(h, 'supervisor'));
    const second = await connect(h, await login(h, 'lead-billing'));
    await startCall(h, callId, 'agent-2');
    for (let i = 0; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const alert = (await first.waitFor((f) => f.type === 'alert')).alert as { alertId: string };
    await second.waitFor((f) => f.type === 'alert');

    first.send({ type: 'ack', alertId: alert.alertId });
    const broadcast = await second.waitFor((f) => f.type === 'ack');
    expect(broadcast.ack).toMatchObject({ alertId: alert.alertId, acknowledgedBy: 'supervisor' });
    await first.waitFor((f) => f.type === 'ack');

    // Persisted: the AlertAck record is on va.alerts.v1 next to the alert itself (either may come
    // first: the page can acknowledge before the evaluator's batch is produced).
    const consumer = testKafka().consumer({ groupId: uniqueName('check') });
    await consumer.connect();
    await consumer.subscribe({ topics: [h.topics.alerts], fromBeginning: true });
    const schemas: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const d = decodeAlertsTopic(message.value, message.headers as never);
          schemas.push(`${d.schema}:${d.value.alertId}`);
          if (schemas.includes(`ack:${alert.alertId}`) && schemas.includes(`alert:${alert.alertId}`))
            resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(schemas).toContain(`ack:${alert.alertId}`);
    expect(schemas).toContain(`alert:${alert.alertId}`);
  });

  it('shows no call whose record key names another tenant or call than its body', async () => {
    const h = await startHarness();
    const supervisor = await connect(h, await login(h, 'supervisor'));
    const [forged, real] = [uniqueName('call'), uniqueName('call')];
    const start = callStarted(h.topics.calls, forged, 'agent-1', 'billing-queue');
    await sendRecords(h.producer, [{ ...start, message: { ...start.message, key: `other/${forged}` } }]);
    await startCall(h, real, 'agent-1');
    await supervisor.waitFor((f) => f.type === 'state' && aboutCall(real)(f));
    expect(JSON.stringify(supervisor.frames)).not.toContain(forged);
  });

  it("applies an acknowledgement record to its own tenant's alert only", async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    await startCall(h, callId, 'agent-1');
    for (let i = 0; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    const { alertId } = (await supervisor.waitFor((f) => f.type === 'alert')).alert as { alertId: string };
    const ack = (tenant: string, acknowledgedBy: string) =>
      outRecord(h.topics.alerts, alertAckCodec, `${tenant}/${callId}`, {
        alertId,
        callId,
        acknowledgedBy,
        acknowledgedAtMs: Date.now(),
        tenant,
      });
    // Keyed and bodied for tenant "other", naming this tenant's alert: not an ack of it.
    await sendRecords(h.producer, [ack('other', 'intruder'), ack('demo', 'supervisor')]);
    const applied = await supervisor.waitFor((f) => f.type === 'ack');
    expect(applied.ack).toMatchObject({ alertId, acknowledgedBy: 'supervisor' });
    expect(supervisor.frames.filter((f) => f.type === 'ack')).toHaveLength(1);
  });

  it('dead-letters a corrupt record and keeps evaluating the call', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    await startCall(h, callId, 'agent-1');
    await h.producer.send({
      topic: h.topics.emotions,
      messages: [
        {
          key: callId,
          value: Buffer.from([0xff, 0xff, 0xff]),
          headers: { 'va-schema': 'va.events.v1.EmotionEvent' },
        },
      ],
    });
    for (let i = 0; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as { ruleId: string }).ruleId === 'customer-frustration',
    );

    const consumer = testKafka().consumer({ groupId: uniqueName('dl') });
    await consumer.connect();
    await consumer.subscribe({ topics: [h.topics.deadletter], fromBeginning: true });
    const dead = await new Promise<{ reasonCode: string; topic: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) =>
          resolve(deadLetterCodec.decode(message.value, message.headers as never)),
      });
    });
    await consumer.disconnect();
    expect(dead).toMatchObject({ reasonCode: 'DECODE_FAILED', topic: h.topics.emotions });
  });
});
