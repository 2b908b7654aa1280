// The closer produces nothing before the fan-out has read what its topics held at start (a
// resolution a previous run produced may still be unread), then each due resolution once, keyed
// by the call; a failed produce is counted and retried at the next flush.
import type { Producer } from 'kafkajs';

type Message = { key: string; value: Buffer; headers: never };
import { describe, expect, it } from 'vitest';
import { callEventRecord } from '../../../../devkit/records/call-event.ts';
import { alertRecordCodec, type AlertRecord } from '../../../../services/alert-service/alert-records.ts';
import { closeWithdrawnAlerts } from '../../../../services/alert-service/withdrawn-alert-closer.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

const fired = {
  eventId: 'demo/c1:customer:6:customer-frustration',
  alertId: 'demo/c1:customer:6:customer-frustration',
  callId: 'c1',
  tenant: 'demo',
  state: 'fired',
  firedAtMs: Date.now(),
  message: 'Customer frustrated',
  evidence: ['loudness +6 dB'],
} as AlertRecord;

function setup() {
  const sent: { key: string; value: AlertRecord }[] = [];
  let failNext = false;
  const producer = {
    sendBatch: async ({ topicMessages }: { topicMessages: { messages: Message[] }[] }) => {
      if (failNext) {
        failNext = false;
        throw new Error('broker down');
      }
      for (const m of topicMessages.flatMap((t) => t.messages))
        sent.push({ key: m.key, value: alertRecordCodec.decode(m.value, m.headers) });
      return [];
    },
  } as unknown as Producer;
  let caughtUp = false;
  const errors: string[] = [];
  const closer = closeWithdrawnAlerts({
    producer,
    alertsTopic: 'alerts',
    logger: createLogger({ service: 'test', level: 'error' }),
    errors: { inc: (labels) => errors.push(labels.code) },
    caughtUp: () => caughtUp,
    isLive: () => true,
  });
  return { closer, sent, errors, catchUp: () => (caughtUp = true), failOnce: () => (failNext = true) };
}

describe('withdrawn alert closer', () => {
  it('waits for the catch-up, then resolves once; a failed produce is retried', async () => {
    const { closer, sent, errors, catchUp, failOnce } = setup();
    closer.tracker.alertSeen({ ...fired, audience: ['supervisor'] } as AlertRecord);
    closer.callEvent(
      callEventRecord('c1', { type: 'consent-changed', consent: { analytics: false, storeFeatures: false } }),
      Date.now(),
    );
    await closer.flush();
    expect(sent).toEqual([]);
    catchUp();
    failOnce();
    await closer.flush();
    expect(sent).toEqual([]);
    expect(errors).toEqual(['ALERT_RESOLUTION_NOT_PRODUCED']);
    await closer.flush();
    await closer.flush();
    expect(sent.map((s) => [s.key, s.value.eventId, s.value.state, s.value.resolutionReason])).toEqual([
      ['demo/c1', `${fired.alertId}:resolved`, 'resolved', 'CONSENT_WITHDRAWN'],
    ]);
    expect(sent[0]!.value).toMatchObject({ message: '', evidence: [] });
  });

  it('forgets the alerts of ended calls while it reads the history, keeping those of withdrawn calls', async () => {
    const { closer } = setup();
    for (let i = 0; i < 100; i += 1) {
      const callId = `old-${i}`;
      closer.tracker.alertSeen({
        ...fired,
        callId,
        alertId: `demo/${callId}:a`,
        eventId: `demo/${callId}:a`,
      });
      if (i === 0)
        closer.callEvent(
          callEventRecord(callId, {
            type: 'consent-changed',
            consent: { analytics: false, storeFeatures: false },
          }),
          Date.now(),
        );
      closer.callEvent(callEventRecord(callId, { type: 'ended', endTimeMs: Date.now() }), Date.now());
    }
    // Still catching up: nothing produced, but the 99 ended calls with nothing to close are gone.
    await closer.flush();
    expect(closer.tracker.size()).toBe(1);
  });
});
