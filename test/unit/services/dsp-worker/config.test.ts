// The workers' options from the environment: documented defaults, and every bad variable named
// (topic names checked alike in every service, the gateway's too).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../services/shared/config.ts';
import { loadDspWorkerConfig } from '../../../../services/dsp-worker/config.ts';
import { loadEmotionClassifierConfig } from '../../../../services/emotion-classifier/config.ts';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { thrownError } from '../../../support/thrown.ts';

const brokers = { KAFKA_BROKERS: 'kafka:9092' };

describe('worker configuration', () => {
  it('fills the documented defaults', () => {
    expect(loadDspWorkerConfig(brokers)).toMatchObject({
      KAFKA_BROKERS: ['kafka:9092'],
      AUDIO_TOPIC: 'va.audio.v1',
      FEATURES_TOPIC: 'va.features.v1',
      WINDOW_MS: 2000,
      WINDOW_HOP_MS: 1000,
      CALL_IDLE_TIMEOUT_MS: 30_000,
      DSP_GROUP_ID: 'va-dsp-worker',
    });
    const emotion = loadEmotionClassifierConfig(brokers);
    expect(emotion).toMatchObject({
      EMOTIONS_TOPIC: 'va.emotions.v1',
      EMOTION_GROUP_ID: 'va-emotion-classifier',
    });
    expect(emotion.EMOTION_MODEL_PATH).toMatch(/models\/emotion-v2\.json$/);
  });

  it("refuses a bad topic name in every service that names topics, the gateway's too", () => {
    const gateway = thrownError(
      () =>
        loadGatewayConfig({
          ...brokers,
          TENANT_TOKENS: 'acme=acme-token-0123456789',
          AUDIO_TOPIC: 'bad topic!',
          CALLS_TOPIC: 'x'.repeat(300),
        }),
      ConfigError,
    );
    expect(gateway.code).toBe('CONFIG_INVALID');
    expect(gateway.problems.join('\n')).toMatch(/AUDIO_TOPIC: must be a Kafka topic name/);
    expect(gateway.problems.join('\n')).toMatch(/CALLS_TOPIC: must be a Kafka topic name/);
  });

  it('names every bad variable in one typed error', () => {
    const error = thrownError(
      () => loadDspWorkerConfig({ CALL_IDLE_TIMEOUT_MS: 'soon', MAX_CALLS: '0', AUDIO_TOPIC: 'bad topic!' }),
      ConfigError,
    );
    const problems = error.problems.join('\n');
    for (const name of ['KAFKA_BROKERS', 'CALL_IDLE_TIMEOUT_MS', 'MAX_CALLS', 'AUDIO_TOPIC']) {
      expect(problems).toContain(name);
    }
    expect(error.code).toBe('CONFIG_INVALID');
  });

  it('refuses a hop longer than the window', () => {
    expect(() => loadDspWorkerConfig({ ...brokers, WINDOW_MS: '1000', WINDOW_HOP_MS: '2000' })).toThrow(
      /WINDOW_HOP_MS/,
    );
  });
});
