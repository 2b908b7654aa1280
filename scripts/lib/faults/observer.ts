// The fault bench's eyes on the pipeline's outputs: reads va.emotions.v1 and va.alerts.v1 from
// the beginning with its own group (no commits) into a window ledger and an alert ledger, and
// knows when the last event came, so a run can drain until its windows are in or all is quiet.
// I/O: two kafkajs consumers.
import type { Consumer, Kafka } from 'kafkajs';
import { alertRecordCodec } from '../../../services/alert-service/alert-records.ts';
import type { RecordHeaders } from '../../../services/shared/codec.ts';
import { emotionEventCodec } from '../../../services/shared/records.ts';
import { dspWorkerEnv } from '../../../services/dsp-worker/config.ts';
import { createAlertLedger, type AlertLedger } from './alert-ledger.ts';
import { createWindowLedger, type WindowLedger } from './window-ledger.ts';

/**
 * How long a run's windows may pause before the count stops: longer than the dsp-worker's idle
 * timeout (its default, as the bench runs it), after which a call whose end it never saw has its
 * last windows flushed (idle-flusher.ts). A shorter pause stopped counting before them, so such
 * windows counted as lost when they were only late. Waiting costs nothing when all windows are in.
 */
export const LAST_WINDOWS_QUIET_MS = dspWorkerEnv.shape.CALL_IDLE_TIMEOUT_MS.parse(undefined) + 10_000;

export interface Observer {
  readonly windows: WindowLedger;
  readonly alerts: AlertLedger;
  /** Waits while events keep coming until `done()`, or `quietMs` pass without one. */
  drain(done: () => boolean, quietMs: number, maxMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startObserver(
  kafka: Kafka,
  topics: { emotions: string; alerts?: string },
  groupSuffix: string,
): Promise<Observer> {
  const windows = createWindowLedger();
  const alerts = createAlertLedger();
  let lastEventAt = Date.now();
  let stopped = false;
  const consumers: Consumer[] = [];
  const follow = async (topic: string, onValue: (value: Buffer, headers: RecordHeaders) => void) => {
    const consumer = kafka.consumer({
      groupId: `va-bench-faults-${groupSuffix}-${topic}`,
      // Latency is read from the events' own timestamps, not from when this sees them: it fetches
      // like a product consumer (consumer-runner.ts), not 20 times a second per broker on top of
      // the pipeline it measures.
      minBytes: 65_536,
      maxWaitTimeInMs: 250,
      // Stopped means stopped: a crash under way when stop() disconnects (the outage run leaves its
      // consumers crashing) still schedules kafkajs' restart (consumer/index.js onCrash), and the
      // restarted consumer then crash-looped every 100 ms on the deleted topics through all the
      // scale runs (9 500 restarts, metadata requests and group joins on the measured brokers).
      retry: { restartOnFailure: async () => !stopped },
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.value) onValue(message.value, message.headers as RecordHeaders);
        }
        lastEventAt = Date.now();
      },
    });
  };
  await follow(topics.emotions, (value, headers) => {
    const event = emotionEventCodec.decode(value, headers);
    windows.add(event, Date.now());
  });
  if (topics.alerts !== undefined) {
    await follow(topics.alerts, (value, headers) => {
      const alert = alertRecordCodec.decode(value, headers);
      alerts.add(alert.alertId, alert.callId);
    });
  }
  return {
    windows,
    alerts,
    async drain(done, quietMs, maxMs = 300_000) {
      const deadline = Date.now() + maxMs;
      while (!done() && Date.now() < deadline && Date.now() - lastEventAt < quietMs) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
    },
  };
}
