// The gateway producer's partitioner (kafkajs `createPartitioner`, ICustomPartitioner): records of
// the audio topic go to their call's partition from the placement (audio-placement.ts), chosen
// from the partitions and leaders in kafkajs' current broker metadata; every other topic keeps the
// key hash of kafkajs' DefaultPartitioner (murmur2, the Java client's), as without this. Pure
// apart from the placement it updates; the renewing producer may call the factory again, and the
// new partitioner shares the same placement.
import { Partitioners, type ICustomPartitioner } from 'kafkajs';
import type { AudioPlacement } from './audio-placement.ts';

export type AudioPartitioner = 'balanced' | 'hash';

export function createBalancedPartitioner(audioTopic: string, placement: AudioPlacement): ICustomPartitioner {
  return () => {
    const byHash = Partitioners.DefaultPartitioner();
    return (args) => {
      const { topic, partitionMetadata, message } = args;
      const hashed = byHash(args);
      // An explicit partition or a record without a key (none of the gateway's) is left as is.
      if (topic !== audioTopic || message.key == null || message.partition != null) return hashed;
      const partitions = partitionMetadata.map((p) => ({
        partitionId: p.partitionId,
        hasLeader: p.leader >= 0,
      }));
      return placement.place(message.key.toString(), partitions, hashed);
    };
  };
}
