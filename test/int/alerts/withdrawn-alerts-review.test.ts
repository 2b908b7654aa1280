// Review revd28, on a real broker and the real alert service: (1) a customer erased after the end
// of a call whose alert the fan-out read after the call's end (a late alert; a restart's catch-up
// reads va.calls.v1 and va.alerts.v1 in no set order) gets no ERASED resolution: the alert ended
// with its call (alert-service README). (2) A resolution produced late (the service was down at the
// withdrawal, or first started after the upgrade) dates the alert's end at the withdrawal, not at
// the moment it was produced: the call store's `ended_at` and the API's `end.at` come from it.
import { describe, expect, it } from 'vitest';
import { alertRecordCodec, type AlertRecord } from '../../../services/alert-service/alert-records.ts';
import { outRecord, sendRecords } from '../../../services/shared/producer.ts';
import { callErasedCodec } from '../../../services/shared/records.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { uniqueName } from '../../support/kafka.ts';
import {
  alertRecordsInTopic,
  startCall,
  startHarness,
  startInstance,
  withdrawAnalytics,
  type Harness,
} from './harness.ts';

function firedAlert(callId: string, firedAtMs: number): AlertRecord {
  const alertId = `demo/${callId}:customer:9:customer-frustration`;
  return {
    eventId: alertId,
    alertId,
    callId,
    ruleId: 'customer-frustration',
    severity: 'critical',
    audience: ['agent', 'supervisor'],
    message: 'Customer frustrated',
    evidence: ['pitch +3.4 st over baseline'],
    state: 'fired',
    channel: 'customer',
    windowIndex: 9,
    audioMs: 9_000,
    firedAtMs,
    updatedAtMs: firedAtMs,
    producedAtMs: firedAtMs,
    audioCompletedAtMs: firedAtMs,
    tenant: 'demo',
    agentId: 'agent-1',
    team: '',
    ruleName: 'Customer frustration sustained',
    cue: 'Acknowledge the problem',
    heldMs: 8000,
    conditionStartMs: 1000,
    escalationOf: '',
    queue: 'billing-queue',
    subject: 'customer',
  };
}

const resolutionsOf = async (h: Harness, callId: string) =>
  (await alertRecordsInTopic(h.topics.alerts)).filter((r) => r.callId === callId && r.state === 'resolved');

describe('review revd28: resolutions of withdrawn or erased calls', () => {
  it('closes nothing for a customer erased after the end of a call whose alert was read after its end', async () => {
    const h = await startHarness();
    const callId = uniqueName('over');
    await startCall(h, callId, 'agent-1');
    const endedAtMs = Date.now();
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId, endedAtMs)]);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the fan-out reads the end
    // The alert of the call's last windows, read after the end.
    await sendRecords(h.producer, [
      outRecord(h.topics.alerts, alertRecordCodec, `demo/${callId}`, firedAlert(callId, endedAtMs - 500)),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The customer asks to be erased after the call.
    const erasure = { tenant: 'demo', callId, erasureId: uniqueName('erasure'), erasedAtMs: Date.now() };
    await sendRecords(h.producer, [outRecord(h.topics.erasures, callErasedCodec, `demo/${callId}`, erasure)]);
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // the closer's ticks
    expect(await resolutionsOf(h, callId)).toEqual([]);
  }, 60_000);

  it('dates a resolution produced after a restart at the withdrawal', async () => {
    const h = await startHarness();
    const callId = uniqueName('late');
    await startCall(h, callId, 'agent-1');
    await sendRecords(h.producer, [
      outRecord(h.topics.alerts, alertRecordCodec, `demo/${callId}`, firedAlert(callId, Date.now())),
    ]);
    // The service is down while the caller withdraws consent (a deploy, a crash, the upgrade).
    await h.service.stop('deploy');
    const withdrawnAtMs = Date.now();
    await withdrawAnalytics(h, callId);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const again = await startInstance(h);
    const readyz = async () => (await fetch(`http://127.0.0.1:${again.service.base.ops.port}/readyz`)).text();
    await expect.poll(readyz, { timeout: 20_000 }).toBe('ready\n');
    await expect.poll(() => resolutionsOf(h, callId).then((r) => r.length), { timeout: 20_000 }).toBe(1);
    const [resolution] = await resolutionsOf(h, callId);
    // The store's ended_at (the record's updated_at_ms): when the alert ended, i.e. the withdrawal.
    expect(resolution!.updatedAtMs - withdrawnAtMs).toBeLessThan(2_000);
  }, 90_000);
});
