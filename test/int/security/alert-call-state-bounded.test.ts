// Against a real broker: the alert evaluator's record of which partition
// holds which call (what a revocation frees) used to grow for the life of the process; once N
// calls have ended, nothing of them is left in it, not even once records of a call come after its
// end (its end comes through the fan-out, another consumer: the last windows of a call, or a
// replay after a rebalance, can reach the evaluator later; they used to track the call again).
// Ended calls are freed once their end grace is over (ALERT_END_GRACE_MS, 2 s here).
import { describe, expect, it } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { uniqueName } from '../../support/kafka.ts';
import { emotionRecord, sendEmotion, startCall, startHarness } from '../alerts/harness.ts';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

describe('alert evaluator call state', () => {
  it('holds nothing of calls once they have ended', async () => {
    const h = await startHarness({ ALERT_END_GRACE_MS: '2000' });
    const calls = Array.from({ length: 30 }, () => uniqueName('call'));
    for (const callId of calls) {
      await startCall(h, callId, 'agent-1');
      for (let i = 0; i < 3; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'neutral'));
    }
    const evaluator = h.service.evaluator;
    await waitFor('every call tracked', () => evaluator.trackedCalls() === calls.length, 20_000, 100);
    expect(evaluator.trackedCalls()).toBe(calls.length);

    await sendRecords(
      h.producer,
      calls.map((callId) => callEnded(h.topics.calls, callId)),
    );
    await waitFor('no call tracked', () => evaluator.trackedCalls() === 0, 20_000, 100);
    expect(evaluator.trackedCalls()).toBe(0);

    // Records of the ended calls that reach the evaluator after their ends.
    const handle = evaluator.handle.bind(evaluator);
    let late = 0;
    evaluator.handle = (record) => {
      if (record.value.schema === 'emotion' && record.value.value.windowIndex === 3) late += 1;
      return handle(record);
    };
    for (const callId of calls) await sendEmotion(h, emotionRecord(callId, 'customer', 3, 'neutral'));
    await waitFor('the late records of every call', () => late === calls.length, 20_000, 100);
    expect(late).toBe(calls.length);
    expect(evaluator.trackedCalls()).toBe(0);
  });
});
