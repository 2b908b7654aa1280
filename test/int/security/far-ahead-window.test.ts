// Against a real broker: a window far ahead of its call on an internal topic (a forged or corrupt
// record: two days of audio ahead a second later, or an index past its own start time) used to be
// taken as the speaker's newest window, so the emotion classifier and the alert engine dropped
// every later window of the call as a duplicate, silently: no events, no alerts. Both now refuse
// it (dead letter WINDOW_JUMP) and go on with the call.
import { classifierOnTopics } from '../../support/classifier-on-topics.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { collectTopic } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { deadLetterCodec, emotionEventCodec } from '../../../services/shared/records.ts';
import { featureWindowOut } from '../../support/feature-records.ts';
import { connect, login, sendEmotion, startCall, startHarness } from '../alerts/harness.ts';
import { emotionRecord } from '../../../devkit/records/alert-records.ts';

const TWO_DAYS_MS = 172_000_000;

describe('a window far ahead of its call', () => {
  it('is dead-lettered by the emotion classifier, and the call keeps its events', async () => {
    const { kafka, topics, start } = await classifierOnTopics();
    await start();
    const emotions = await collectTopic(
      kafka,
      topics.emotions,
      (v, h) => emotionEventCodec.decode(v, h).eventId,
    );
    onTestFinished(() => emotions.stop());
    const letters = await collectTopic(kafka, topics.dl, (v) => deadLetterCodec.decode(v));
    onTestFinished(() => letters.stop());
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const callId = uniqueName('call');
    const window = (i: number) => featureWindowOut(topics.features, callId, 'customer', i);
    for (let i = 0; i <= 8; i += 1) await sendRecords(producer, [window(i)]);
    await sendRecords(producer, [
      featureWindowOut(topics.features, callId, 'customer', 172_000, {
        startMs: TWO_DAYS_MS,
        endMs: TWO_DAYS_MS + 2000,
      }),
      featureWindowOut(topics.features, callId, 'customer', 9_000, { startMs: 9000, endMs: 11_000 }),
    ]);
    for (let i = 9; i <= 19; i += 1) await sendRecords(producer, [window(i)]);

    await waitFor("the call's 20 events", () => emotions.records.length >= 20, 30_000);
    await waitFor('two dead letters', () => letters.records.length >= 2, 10_000);
    expect(emotions.records.map((r) => r.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `demo/${callId}:customer:${i}:emotion`),
    );
    expect(letters.records.map((r) => r.value.reasonCode)).toEqual(['WINDOW_JUMP', 'WINDOW_JUMP']);
  }, 60_000);

  it('is dead-lettered by the alert engine, and the call is still alerted', async () => {
    const h = await startHarness();
    const callId = uniqueName('call');
    const supervisor = await connect(h, await login(h, 'supervisor'));
    await startCall(h, callId, 'agent-1');
    await sendEmotion(h, emotionRecord(callId, 'customer', 0, 'angry'));
    await sendEmotion(h, {
      ...emotionRecord(callId, 'customer', 172_000, 'angry'),
      startMs: TWO_DAYS_MS,
      endMs: TWO_DAYS_MS + 2000,
    });
    for (let i = 1; i < 8; i += 1) await sendEmotion(h, emotionRecord(callId, 'customer', i, 'angry'));
    await supervisor.waitFor(
      (f) => f.type === 'alert' && (f.alert as { ruleId: string }).ruleId === 'customer-frustration',
    );
    const letters = await collectTopic(testKafka(), h.topics.deadletter, (v) => deadLetterCodec.decode(v));
    onTestFinished(() => letters.stop());
    await waitFor('the dead letter', () => letters.records.length >= 1, 10_000);
    expect(letters.records.map((r) => [r.value.reasonCode, r.value.topic])).toEqual([
      ['WINDOW_JUMP', h.topics.emotions],
    ]);
  }, 60_000);
});
