// Against a real broker: the emotion classifier holds its commit at the
// first window of every live call, so a successor replays a long call from its start to rebuild
// the baselines. It used to emit every replayed window's event again (setReplayUntil was never
// called); now the commit carries how far events were produced and the successor emits only the
// events of windows past it: each event id once.
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { startEmotionClassifier } from '../../../services/emotion-classifier/classifier.ts';
import { loadEmotionClassifierConfig } from '../../../services/emotion-classifier/config.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { sendRecords } from '../../../services/shared/producer.ts';
import { collectTopic } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';
import { FUNCTIONAL_NAMES } from '../../../pipelines/dsp/index.ts';
import { toFeatureWindowRecord } from '../../../services/shared/mapping.ts';
import { outRecord } from '../../../services/shared/producer.ts';
import { emotionEventCodec, featureWindowCodec } from '../../../services/shared/records.ts';
import { speakerWindow } from '../../../devkit/records/speaker-window.ts';

/** A speaker's window i with the model's functionals (values of a calm voice are not the point). */
function windowRecord(topic: string, callId: string, channel: 'agent' | 'customer', i: number) {
  const functionals = new Float64Array(FUNCTIONAL_NAMES.length).fill(0.1);
  const window = { ...speakerWindow(i, { speech: 0.7 }), functionals };
  const meta = { callId, channel, tenant: 'demo', producedAtMs: Date.now(), audioCompletedAtMs: Date.now() };
  return outRecord(topic, featureWindowCodec, callId, toFeatureWindowRecord(window, meta));
}

describe('emotion classifier replay', () => {
  it('a successor replaying a live call from its held commit emits no event a second time', async () => {
    const kafka = testKafka();
    const topics = {
      features: uniqueName('t.features'),
      emotions: uniqueName('t.emotions'),
      dl: uniqueName('t.dl'),
    };
    await createTestTopics(kafka, Object.values(topics), 1);
    const config = loadEmotionClassifierConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      FEATURES_TOPIC: topics.features,
      EMOTIONS_TOPIC: topics.emotions,
      DEADLETTER_TOPIC: topics.dl,
      TOPIC_PARTITIONS: '1',
      EMOTION_GROUP_ID: uniqueName('g.emotion'),
    });
    const logger = createLogger({ service: 'emotion-classifier', level: 'warn' });
    const start = async () => {
      const classifier = await startEmotionClassifier(config, { handleSignals: false, logger });
      onTestFinished(() => classifier.stop('test finished'));
      return classifier;
    };
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
          windowRecord(topics.features, callId, 'agent', i),
          windowRecord(topics.features, callId, 'customer', i),
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
