// A produce is done only when every partition its records went to has answered. kafkajs 2.2.4 can
// resolve a sendBatch without ever sending some records: when a request fails, its retry skips
// every broker that answered an earlier attempt (producer/sendMessages.js createProducerRequests,
// `brokersWithoutResponse`), so records of a partition whose leader has meanwhile moved to such a
// broker (a broker lost mid-send) are dropped while the send succeeds (tulios/kafkajs#1303, open;
// a fix is proposed in tulios/kafkajs#1798). Here the producer's partitioner notes where each
// message goes, and a send whose answer leaves out one of those partitions fails, so its callers
// send again (gateway sink) or replay (consumer runner) as after any failed produce.
// Pure apart from the wrapped producer's I/O.
import {
  Partitioners,
  type ICustomPartitioner,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';

export class IncompleteSendError extends Error {
  readonly code = 'INCOMPLETE_SEND';
  readonly topic: string;
  readonly partition: number;
  constructor(topic: string, partition: number) {
    super(`the broker never acknowledged ${topic}/${partition}: the send is incomplete`);
    this.name = 'IncompleteSendError';
    this.topic = topic;
    this.partition = partition;
  }
}

/** Where kafkajs placed each message (the same objects the caller passed to send/sendBatch). */
export interface MessagePlacement {
  /** The partitioner to give the producer: `inner` (or kafkajs' default) noting its answers. */
  partitioner(inner?: ICustomPartitioner): ICustomPartitioner;
  partitionOf(message: Message): number | undefined;
}

export function createMessagePlacement(): MessagePlacement {
  const placed = new WeakMap<Message, number>();
  return {
    partitioner:
      (inner = Partitioners.DefaultPartitioner) =>
      () => {
        const pick = inner();
        return (args) => {
          const partition = pick(args);
          placed.set(args.message, partition);
          return partition;
        };
      },
    partitionOf: (message) => placed.get(message),
  };
}

/** Throws IncompleteSendError for the first record whose partition the answer does not name. */
export function checkAcknowledged(
  topicMessages: readonly { topic: string; messages: readonly Message[] }[],
  acknowledged: readonly RecordMetadata[],
  placement: Pick<MessagePlacement, 'partitionOf'>,
): void {
  const answered = new Set(acknowledged.map((m) => `${m.topicName}\u0000${m.partition}`));
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const partition = placement.partitionOf(message) ?? message.partition;
      if (partition !== undefined && !answered.has(`${topic}\u0000${partition}`))
        throw new IncompleteSendError(topic, partition);
    }
  }
}

/** The producer, its sends failing when incomplete (see checkAcknowledged). */
export function withCompleteSends(producer: Producer, placement: MessagePlacement): Producer {
  return {
    ...producer,
    async send(record) {
      const acknowledged = await producer.send(record);
      checkAcknowledged([record], acknowledged, placement);
      return acknowledged;
    },
    async sendBatch(batch) {
      const acknowledged = await producer.sendBatch(batch);
      checkAcknowledged(batch.topicMessages ?? [], acknowledged, placement);
      return acknowledged;
    },
  };
}
