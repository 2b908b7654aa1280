// Against a real broker: the alert evaluator's rule state survives its
// process. An evaluator SIGKILLed mid-call (a child process) is replaced by a new instance in the
// same group, which rebuilds the call's rule state by replaying from the held commit: the alert the
// call earns fires exactly once (it was missed: the successor started after the committed windows
// with empty state). A restart after the alert replays the call without producing it again.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startServiceProcess, waitUntilReady } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import {
  alertIdsInTopic,
  connect,
  emotionRecord,
  login,
  prepareHarness,
  sendEmotion,
  startCall,
  startHarness,
  startInstance,
  type Harness,
} from '../alerts/harness.ts';

/** Customer windows from..to: neutral up to 2, angry from 3 (the 4 s rule holds at window 5). */
async function sendWindows(
  h: Pick<Harness, 'producer' | 'topics'>,
  callId: string,
  from: number,
  to: number,
) {
  for (let i = from; i <= to; i += 1) {
    await sendEmotion(h, emotionRecord(callId, 'customer', i, i < 3 ? 'neutral' : 'angry'));
    await new Promise((r) => setTimeout(r, 100));
  }
}

const frustration = (callId: string) => `demo/${callId}:customer:5:customer-frustration`;

describe('alert evaluator restart', () => {
  it('an evaluator killed mid-call is replaced and the alert the call earns fires exactly once', async () => {
    const prepared = await prepareHarness();
    const first = startServiceProcess('alert-service', { ...prepared.env, LOG_LEVEL: 'info' });
    onTestFinished(() => first.stop('SIGKILL'));
    await waitUntilReady(first, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));

    const callId = uniqueName('call');
    await startCall(prepared, callId, 'agent-1');
    await sendWindows(prepared, callId, 0, 4);
    // Past the evaluator's 5 s commit interval: its windows are committed before it dies.
    await new Promise((r) => setTimeout(r, 7_000));
    await first.stop('SIGKILL');

    const second = await startInstance(prepared);
    const supervisor = await connect(second, await login(second, 'supervisor'));
    await sendWindows(prepared, callId, 5, 9);
    await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as { alertId: string }).alertId === frustration(callId),
      45_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const ids = await alertIdsInTopic(prepared.topics.alerts);
    expect(ids.filter((id) => id === frustration(callId))).toHaveLength(1);
    const pushed = supervisor.frames
      .filter((f) => f.type === 'alert')
      .map((f) => (f.alert as { alertId: string }).alertId);
    expect(pushed.filter((id) => id === frustration(callId))).toHaveLength(1);
  }, 120_000);

  it('a restarted evaluator replays the call without producing its alert again', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    await startCall(h, callId, 'agent-1');
    await sendWindows(h, callId, 0, 9);
    await waitFor(
      'the alert in the topic',
      async () => (await alertIdsInTopic(h.topics.alerts)).includes(frustration(callId)),
      30_000,
    );
    const before = await alertIdsInTopic(h.topics.alerts);
    await h.service.stop('restart');

    const second = await startInstance(h);
    const supervisor = await connect(second, await login(second, 'supervisor'));
    await sendWindows(h, callId, 10, 11);
    // Long enough for the successor to join (the old member left) and replay the call.
    await new Promise((r) => setTimeout(r, 8_000));
    // Nothing produced before the restart is produced again (alerts the new windows earn, e.g. a
    // mood drop that only now has lasted long enough, are new and welcome).
    const after = await alertIdsInTopic(h.topics.alerts);
    expect(after.filter((id) => before.includes(id))).toEqual(before);
    const pushedAgain = supervisor.frames.filter(
      (f) => f.type === 'alert' && before.includes((f.alert as { alertId: string }).alertId),
    );
    expect(pushedAgain).toEqual([]);
  }, 120_000);
});
