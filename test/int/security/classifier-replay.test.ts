// Against a real broker: the emotion classifier holds its commit at the
// first window of every live call, so a successor replays a long call from its start to rebuild
// the baselines. It used to emit every replayed window's event again (setReplayUntil was never
// called); now the commit carries how far events were produced and the successor emits only the
// events of windows past it: each event id once.
import { classifierOnTopics } from '../../support/classifier-on-topics.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sendRecords } from '../../../services/shared/producer.ts';
import { collectTopic } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';
import { emotionEventCodec } from '../../../services/shared/records.ts';
import { featureWindowOut } from '../../support/feature-records.ts';

describe('emotion classifier replay', () => {
  it('a successor replaying a live call from its held commit emits no event a second time', async () => {
    const { kafka, topics, start } = await classifierOnTopics();
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const emotions = await collectTopic(
      kafka,
      topics.emotions,
      (v, h) => emotionEventCodec.decode(v, h).eventId,
    );
    onTestFinished(() => emotions.stop());
    const callId = uniqueName('call');
    const sendWindows = async (from: number, to: number) => {
      for (let i = from; i <= to; i += 1)
        await sendRecords(producer, [
          featureWindowOut(topics.features, callId, 'agent', i),
          featureWindowOut(topics.features, callId, 'customer', i),
        ]);
    };

    const first = await start();
    await sendWindows(0, 29);
    await waitFor('the first events', () => emotions.records.length >= 60, 30_000);
    await first.stop('restart');

    await start();
    await sendWindows(30, 34);
    await waitFor(
      'the events after the restart',
      () => new Set(emotions.records.map((r) => r.value)).size >= 70,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const ids = emotions.records.map((r) => r.value);
    expect(new Set(ids).size).toBe(70);
    expect(ids).toHaveLength(70);
  }, 120_000);
});
