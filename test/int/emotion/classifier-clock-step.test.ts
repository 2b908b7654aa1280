// The emotion classifier, in process against the real broker, whose host clock steps forward
// (an NTP correction) past SPEAKER_IDLE_TIMEOUT_MS while it tracks a live call. Its idle sweep
// timed speakers on the wall clock, so the step alone freed every live call's speaker baselines,
// which the call's next windows then learnt again from scratch. The sweep now runs on the
// monotonic clock; the step moves Date.now for the whole process, as NTP moves it on the host.
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { callKey } from '../../../services/shared/call-key.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { classifierOnTopics } from '../../support/classifier-on-topics.ts';
import { featureWindowOut } from '../../support/feature-records.ts';
import { uniqueName } from '../../support/kafka.ts';

const systemNow = Date.now;
afterEach(() => vi.restoreAllMocks());

describe('an emotion classifier whose host clock steps forward', () => {
  it("keeps the live calls' speakers it tracks", async () => {
    let stepMs = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => systemNow() + stepMs);
    const { kafka, topics, start } = await classifierOnTopics({ SPEAKER_IDLE_TIMEOUT_MS: '2000' });
    const classifier = await start();
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const callId = uniqueName('call');
    await sendRecords(
      producer,
      Array.from({ length: 6 }, (_, i) => featureWindowOut(topics.features, callId, 'customer', i)),
    );
    const consumed = async (): Promise<number> =>
      (await classifier.base.metrics.recordsIn.get()).values
        .filter((v) => v.labels.topic === topics.features)
        .reduce((sum, v) => sum + v.value, 0);
    await waitFor('every window handled', async () => (await consumed()) === 6, 30_000, 20);
    const key = callKey('demo', callId);
    expect(classifier.trackers.partitionOf(key)).toBe(0);
    stepMs = 600_000;
    // Three sweeps (every 500 ms), well inside the 2 s timeout in real time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(classifier.trackers.partitionOf(key)).toBe(0);
  }, 60_000);
});
