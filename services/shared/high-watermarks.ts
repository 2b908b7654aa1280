// The true log end (high watermark) of each partition of a topic: every record the broker
// acknowledged, those of a transaction still open included. kafkajs's public admin can only ask
// for the last stable offset (its ListOffsets is read_committed), which stops before the first
// open transaction, so a reader waiting for "everything published before now" (consent-feed.ts)
// or a lag figure (consumer-runner.ts) would not count what was acknowledged behind it. This asks
// ListOffsets read_uncommitted through a kafkajs cluster built by the Kafka instance's own private
// factory (same brokers, TLS and SASL), which is not public API: kafkajs is pinned to 2.2.4 in
// package.json, and any other version, or a factory not found, fails with a typed error
// (test/unit/services/shared/high-watermarks.test.ts). I/O: its own broker connections.
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { CodedError } from '../../pipelines/errors.ts';

/** The kafkajs release whose private cluster factory this relies on. */
export const KAFKAJS_VERSION_RELIED_ON = '2.2.4';

export class KafkaInternalsError extends CodedError<'KAFKAJS_INTERNALS_CHANGED'> {}

export interface HighWatermarks {
  /** Per partition of `topic`, the offset after its last acknowledged record (in flight or not). */
  of(topic: string): Promise<Map<number, bigint>>;
  /** Closes its connections (a later `of` connects again). */
  disconnect(): Promise<void>;
}

/** The parts of kafkajs 2.2.4's Cluster (src/cluster/index.js) used here. */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

type ClusterFactory = (options: {
  allowAutoTopicCreation: boolean;
  isolationLevel: number;
}) => KafkajsCluster;

const require = createRequire(import.meta.url);
const FACTORY_DESCRIPTION = 'private:Kafka:createCluster';

/** kafkajs's private cluster factory of this Kafka instance, checked against the pinned release. */
export function clusterFactoryOf(kafka: Kafka, version = installedKafkajsVersion()): ClusterFactory {
  if (version !== KAFKAJS_VERSION_RELIED_ON)
    throw new KafkaInternalsError(
      'KAFKAJS_INTERNALS_CHANGED',
      `kafkajs is ${version}; services/shared/high-watermarks.ts relies on ${KAFKAJS_VERSION_RELIED_ON}'s private cluster factory: check it and update the pin`,
    );
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY_DESCRIPTION);
  const factory = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof factory !== 'function')
    throw new KafkaInternalsError(
      'KAFKAJS_INTERNALS_CHANGED',
      `this Kafka client has no ${FACTORY_DESCRIPTION} (kafkajs ${KAFKAJS_VERSION_RELIED_ON} has one)`,
    );
  return factory as ClusterFactory;
}

export function installedKafkajsVersion(): string {
  return (require('kafkajs/package.json') as { version: string }).version;
}

const { READ_UNCOMMITTED } = require('kafkajs/src/protocol/isolationLevel.js') as {
  READ_UNCOMMITTED: number;
};

export function createHighWatermarks(kafka: Kafka): HighWatermarks {
  let connecting: Promise<KafkajsCluster> | null = null;
  const connected = (): Promise<KafkajsCluster> => {
    connecting ??= (async () => {
      const made = clusterFactoryOf(kafka)({
        allowAutoTopicCreation: false,
        isolationLevel: READ_UNCOMMITTED,
      });
      await made.connect();
      return made;
    })().catch((error: unknown) => {
      connecting = null;
      throw error;
    });
    return connecting;
  };
  return {
    async of(topic) {
      const on = await connected();
      try {
        // As kafkajs's admin.fetchTopicOffsets: no metadataMaxAge, so the metadata is asked each
        // time and a partition added to the topic is counted at once.
        await on.addTargetTopic(topic);
        await on.refreshMetadataIfNecessary();
        const partitions = on.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
        const ends = new Map<number, bigint>();
        for (const answer of await on.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]))
          for (const { partition, offset } of answer.partitions) ends.set(partition, BigInt(offset));
        return ends;
      } catch (error) {
        // A leader moved or the topic changed: the next request starts from fresh metadata.
        await on.refreshMetadata().catch(() => undefined);
        throw error;
      }
    },
    async disconnect() {
      const pending = connecting;
      connecting = null;
      // One still connecting is closed once connected, not left open.
      await (await pending?.catch(() => null))?.disconnect();
    },
  };
}
