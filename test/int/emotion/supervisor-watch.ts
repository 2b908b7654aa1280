// What the end-to-end tests watch: a supervisor logged in to the alert service on a pipeline's
// topics, and the alerts it got for a call once the call's last window reached it (plus a settle
// time for an alert still on its way). I/O: the alert service harness and its WebSocket.
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { TOPICS } from '../../../services/shared/topics.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import type { RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { connect, login, startHarness, type Harness, type TestClient } from '../alerts/harness.ts';

/** After the last window reached the supervisor: time for an alert still on its way (Kafka hop). */
export const SETTLE_MS = 4_000;

export interface ReceivedAlert {
  alert: AlertView;
  receivedAtMs: number;
}

/**
 * The alert service on the pipeline's topics (its harness's own topics stay unused); `env` adds to
 * or overrides its settings (e.g. ALERT_RULES_FILE).
 */
export function alertServiceOn(
  pipeline: RunningPipeline,
  suffix: string,
  env: Record<string, string> = {},
): Promise<Harness> {
  return startHarness({
    CALLS_TOPIC: pipeline.topics.calls,
    EMOTIONS_TOPIC: pipeline.topics.emotions,
    FEATURES_TOPIC: pipeline.topics.features,
    ALERTS_TOPIC: `${TOPICS.alerts}.${suffix}`,
    DEADLETTER_TOPIC: pipeline.topics.deadletter,
    ...env,
  });
}

/** A supervisor signed in to the alert service on the pipeline's topics. */
export async function supervisorClient(pipeline: RunningPipeline, suffix: string): Promise<TestClient> {
  const h = await alertServiceOn(pipeline, suffix);
  return connect(h, await login(h, 'supervisor'));
}

/** Waits until the supervisor has seen the call's last window, plus SETTLE_MS; its alerts. */
export async function alertsOfCall(
  supervisor: TestClient,
  callId: string,
  durationMs: number,
): Promise<ReceivedAlert[]> {
  const lastWindowMs = durationMs - 1500;
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
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return supervisor.frames
    .filter((f) => f.type === 'alert' && (f.alert as AlertView).callId === callId)
    .map((f) => ({ alert: f.alert as AlertView, receivedAtMs: f.receivedAtMs }));
}
