// The read_uncommitted ListOffsets of high-watermarks.ts rests on kafkajs 2.2.4's private cluster
// factory: these fail when a kafkajs upgrade moves it, before a consent check quietly goes back to
// the last stable offset (the broker side is test/int/ingest/consent-feed-open-transaction.test.ts).
import { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  clusterFactoryOf,
  installedKafkajsVersion,
  KAFKAJS_VERSION_RELIED_ON,
} from '../../../../services/shared/high-watermarks.ts';

const kafka = () => new Kafka({ clientId: 'hw-test', brokers: ['127.0.0.1:1'] });

describe('the high watermarks of kafkajs', () => {
  it('rely on the kafkajs installed, pinned in package.json', async () => {
    expect(installedKafkajsVersion()).toBe(KAFKAJS_VERSION_RELIED_ON);
    const pkg = (await import('../../../../package.json', { with: { type: 'json' } })).default as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.kafkajs).toBe(KAFKAJS_VERSION_RELIED_ON);
  });

  it('build a read_uncommitted cluster of the same client', () => {
    const cluster = clusterFactoryOf(kafka())({ allowAutoTopicCreation: false, isolationLevel: 0 });
    // kafkajs's ListOffsets sends the cluster's isolationLevel (src/cluster/index.js fetchTopicsOffset).
    expect((cluster as unknown as { isolationLevel: number }).isolationLevel).toBe(0);
    expect(typeof cluster.fetchTopicsOffset).toBe('function');
  });

  it('refuse another kafkajs release or a client without the factory, with a stable code', () => {
    expect(() => clusterFactoryOf(kafka(), '2.3.0')).toThrow(
      expect.objectContaining({ code: 'KAFKAJS_INTERNALS_CHANGED' }),
    );
    expect(() => clusterFactoryOf({} as Kafka)).toThrow(
      expect.objectContaining({ code: 'KAFKAJS_INTERNALS_CHANGED' }),
    );
  });
});
