// Producing typed records: builds kafkajs messages (key = call id, protobuf value, `va-schema`
// header) and sends mixed-topic batches in one request. I/O: through the given kafkajs producer.
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { RecordCodec } from './codec.ts';

/** One record to produce; build with `outRecord(topic, codec, key, value)` to keep it typed. */
export interface OutRecord {
  topic: string;
  message: Message;
}

export function outRecord<T>(topic: string, codec: RecordCodec<T>, key: string, value: T): OutRecord {
  return { topic, message: { key, value: codec.encode(value), headers: codec.headers() } };
}

/** Groups by topic and sends everything in one sendBatch; resolves when the broker acked all. */
export async function sendRecords(producer: Producer, records: readonly OutRecord[]): Promise<void> {
  if (records.length === 0) return;
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    const list = byTopic.get(record.topic);
    if (list) list.push(record.message);
    else byTopic.set(record.topic, [record.message]);
  }
  const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  await producer.sendBatch({ topicMessages });
}

/** Counts produced records per topic into a counter (e.g. ServiceMetrics.recordsOut). */
export function countByTopic(records: readonly OutRecord[], inc: (topic: string, n: number) => void): void {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.topic, (counts.get(record.topic) ?? 0) + 1);
  for (const [topic, n] of counts) inc(topic, n);
}
