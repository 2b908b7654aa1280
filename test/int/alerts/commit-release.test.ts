// The evaluator holds its commit at the first record of each live call (a successor rebuilds the
// rule state from there). When a call ends, the commit it held moves on at once: it used to wait
// for the partition's next record, so on a quiet partition the group's lag looked stuck and a
// restart replayed the ended call (probe: 5 627 records of lag with no live call). Now it moves on
// once the end's grace is over (late windows are judged with the call's state until then).
import { describe, expect, it } from 'vitest';
import { callEnded } from '../../../devkit/records/alert-records.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { emotionRecord, sendEmotion, startCall, startHarness } from './harness.ts';

/** Per partition of `topic`: committed offset of `groupId` and the log end. */
async function positions(groupId: string, topic: string) {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return committed.partitions
      .map((p) => `${p.partition}: ${p.offset} of ${ends.find((e) => e.partition === p.partition)!.high}`)
      .sort();
  } finally {
    await admin.disconnect();
  }
}

describe('alert evaluator commits', () => {
  it('moves the commit an ended call held on once its grace is over, with no further record', async () => {
    const h = await startHarness({ ALERT_END_GRACE_MS: '2000' });
    const callId = uniqueName('call');
    await startCall(h, callId, 'agent-1');
    for (let i = 0; i < 5; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'neutral'));
    const group = h.config.ALERT_GROUP_ID;
    // Every partition committed to its end (one never read: nothing committed, nothing in it).
    const atEnd = (rows: string[]) => rows.every((row) => /^\d+: (?:(\d+) of \1|-1 of 0)$/.test(row));
    // Held at the call's first record while it is live (past the 5 s commit interval).
    await expect
      .poll(async () => (await positions(group, h.topics.emotions)).some((r) => / 0 of 5$/.test(r)), {
        timeout: 20_000,
      })
      .toBe(true);
    await sendRecords(h.producer, [callEnded(h.topics.calls, callId)]);
    await expect
      .poll(async () => atEnd(await positions(group, h.topics.emotions)), { timeout: 20_000 })
      .toBe(true);
  });
});
