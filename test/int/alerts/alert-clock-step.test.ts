// The alert service, in process against the real broker, whose host clock steps forward (an NTP
// correction) after a call ended. Its evaluator timed an ended call's grace (ALERT_END_GRACE_MS) on
// the wall clock: the step freed the call's rule state at once, and its late windows were judged
// alone. It now runs on the monotonic clock; the step moves Date.now for the whole process, as NTP
// moves it on the host. (A live call's idleness: clock-step-live-calls.test.ts.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { emotionRecord, sendEmotion, startCall, startHarness } from './harness.ts';

const systemNow = Date.now;
afterEach(() => vi.restoreAllMocks());

describe('an alert service whose host clock steps forward', () => {
  it("keeps an ended call's rule state through its end grace", async () => {
    let stepMs = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => systemNow() + stepMs);
    const h = await startHarness({ ALERT_END_GRACE_MS: '20000' });
    const callId = uniqueName('call');
    await startCall(h, callId, 'agent-1');
    await sendEmotion(h, emotionRecord(callId, 'customer', 0, 'neutral'));
    await waitFor('the call is judged', () => h.service.evaluator.trackedCalls() === 1, 30_000, 20);
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId)]);
    await waitFor('the call ended', () => !h.service.registry.inProgress('demo', callId), 30_000, 20);
    expect(h.service.evaluator.trackedCalls()).toBe(1);
    // Past the grace, not past the registry's 60 s of ended calls (its purge ends the grace too,
    // on the wall clock still).
    stepMs = 40_000;
    // Two sweeps of ended calls (every second), well inside the 20 s grace in real time.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(h.service.evaluator.trackedCalls()).toBe(1);
  }, 60_000);
});
