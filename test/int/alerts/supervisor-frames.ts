// A supervisor's socket on a running pipeline, and what it showed of one call, for the end-to-end
// tests: wait until the call's
// last window was on the wallboard (plus a settle time for alerts still on their way), then the
// call's alerts with their arrival times. I/O: waits on the test client's frames.
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { waitFor } from '../../../scripts/lib/pipeline/harness.ts';
import type { PipelineTopics } from '../../../scripts/lib/pipeline/pipeline-procs.ts';
import { TOPICS } from '../../../services/shared/topics.ts';
import { connect, login, startHarness, type TestClient } from './harness.ts';

/** A supervisor on an alert service reading a pipeline's topics (startPipeline's `suffix`). */
export async function pipelineSupervisor(topics: PipelineTopics, suffix: string): Promise<TestClient> {
  const h = await startHarness({
    TOPIC_CALLS: topics.calls,
    TOPIC_EMOTIONS: topics.emotions,
    TOPIC_FEATURES: topics.features,
    TOPIC_ALERTS: `${TOPICS.alerts}.${suffix}`,
    TOPIC_DEADLETTER: topics.deadletter,
  });
  return connect(h, await login(h, 'supervisor'));
}

export async function alertsAfterLastWindow(
  supervisor: TestClient,
  callId: string,
  lastWindowMs: number,
  settleMs: number,
): Promise<{ alert: AlertView; receivedAtMs: number }[]> {
  await waitFor(
    `${callId}'s last window on the WebSocket`,
    () =>
      supervisor.frames.some(
        (f) =>
          f.type === 'state' &&
          (f.calls as { callId: string; audioMs: number }[]).some(
            (c) => c.callId === callId && c.audioMs >= lastWindowMs,
          ),
      ),
    60_000,
  );
  await new Promise((r) => setTimeout(r, settleMs));
  return supervisor.frames
    .filter((f) => f.type === 'alert' && (f.alert as AlertView).callId === callId)
    .map((f) => ({ alert: f.alert as AlertView, receivedAtMs: f.receivedAtMs }));
}
