// Topics are created with three copies and min.insync.replicas 2 in
// production; fewer copies refuse to start unless TOPIC_ALLOW_LOW_REPLICATION says so; the single
// local broker of development keeps one. Every service and the provisioning job decide alike.
import { describe, expect, it } from 'vitest';
import { loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { loadCallStoreConfig } from '../../../../services/call-store/config.ts';
import { loadDspWorkerConfig } from '../../../../services/dsp-worker/config.ts';
import { loadEmotionClassifierConfig } from '../../../../services/emotion-classifier/config.ts';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { topicReplicationOf } from '../../../../services/shared/topic-replication.ts';
import { topicConfigs } from '../../../../services/shared/topics.ts';
import { thrownError } from '../../../support/thrown.ts';

const none = { TOPIC_ALLOW_LOW_REPLICATION: false };

const problemsOf = (run: () => unknown) => thrownError(run, ConfigError).problems;

describe('topic replication', () => {
  it('defaults to 3 copies, 2 in sync, in production and 1 in development', () => {
    expect(topicReplicationOf(none, 'production')).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplicationOf(none, 'development')).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('takes an explicit factor and derives min.insync.replicas from it unless given', () => {
    expect(topicReplicationOf({ ...none, TOPIC_REPLICATION_FACTOR: 5 }, 'production')).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 2,
    });
    expect(topicReplicationOf({ ...none, TOPIC_REPLICATION_FACTOR: 2 }, 'development')).toEqual({
      replicationFactor: 2,
      minInsyncReplicas: 1,
    });
    expect(
      topicReplicationOf(
        { ...none, TOPIC_REPLICATION_FACTOR: 5, TOPIC_MIN_INSYNC_REPLICAS: 3 },
        'production',
      ),
    ).toEqual({ replicationFactor: 5, minInsyncReplicas: 3 });
  });

  it('refuses fewer than 3 copies or 2 in sync in production, naming the override', () => {
    const low = problemsOf(() => topicReplicationOf({ ...none, TOPIC_REPLICATION_FACTOR: 1 }, 'production'));
    expect(low.join('\n')).toMatch(/^TOPIC_REPLICATION_FACTOR: must be at least 3 in production/m);
    expect(low.join('\n')).toMatch(/TOPIC_ALLOW_LOW_REPLICATION=true/);
    const isr = problemsOf(() => topicReplicationOf({ ...none, TOPIC_MIN_INSYNC_REPLICAS: 1 }, 'production'));
    expect(isr).toEqual([expect.stringMatching(/^TOPIC_MIN_INSYNC_REPLICAS: must be at least 2/)]);
  });

  it('accepts one copy in production only when explicitly allowed', () => {
    const single = { TOPIC_REPLICATION_FACTOR: 1, TOPIC_ALLOW_LOW_REPLICATION: true };
    expect(topicReplicationOf(single, 'production')).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('refuses more in-sync replicas than copies in any mode', () => {
    const bad = { ...none, TOPIC_REPLICATION_FACTOR: 1, TOPIC_MIN_INSYNC_REPLICAS: 2 };
    expect(problemsOf(() => topicReplicationOf(bad, 'development'))[0]).toMatch(
      /^TOPIC_MIN_INSYNC_REPLICAS: must not exceed TOPIC_REPLICATION_FACTOR/,
    );
  });

  it('writes the factor and min.insync.replicas into every topic it creates', () => {
    const [config] = topicConfigs(
      {
        partitions: 6,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        audioRetentionMs: 3_600_000,
        eventRetentionMs: 86_400_000,
      },
      ['va.calls.v1'],
    );
    expect(config.replicationFactor).toBe(3);
    expect(config.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
  });

  it('is decided the same way by every service from its environment', () => {
    const kafka = { KAFKA_BROKERS: '127.0.0.1:9092' };
    const dev = [
      loadDspWorkerConfig(kafka).topicReplication,
      loadEmotionClassifierConfig(kafka).topicReplication,
      loadAlertServiceConfig(kafka).topicReplication,
      loadCallStoreConfig({ ...kafka, JWT_SECRET: 'x'.repeat(32) }).topicReplication,
      loadGatewayConfig({ ...kafka, TENANT_TOKENS: 'acme=a-development-token-01' }).common.topicReplication,
    ];
    for (const replication of dev)
      expect(replication).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    const production = { ...kafka, VA_MODE: 'production', TOPIC_REPLICATION_FACTOR: '1' };
    for (const load of [loadDspWorkerConfig, loadEmotionClassifierConfig]) {
      expect(problemsOf(() => load(production))[0]).toMatch(/^TOPIC_REPLICATION_FACTOR: /);
    }
    expect(
      loadDspWorkerConfig({ ...production, TOPIC_ALLOW_LOW_REPLICATION: 'true' }).topicReplication,
    ).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });
});
