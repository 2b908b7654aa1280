// Evidence helpers of the live customer-history test: every record of a topic (as raw bytes), every
// row of every table as text (the grep for the raw reference and the erasure check), percentiles,
// and whether an alert-service frame carries a call's history line. I/O: Kafka, PostgreSQL.
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { uniqueName } from '../../support/kafka.ts';

export interface TopicMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Every record of a topic, raw (key, value, header values), read from the beginning. */
export async function rawRecords(kafka: Kafka, topic: string): Promise<Buffer[]> {
  return (await topicMessages(kafka, topic)).flatMap((m) => [
    Buffer.from(m.key),
    m.value,
    ...Object.values(m.headers).map((v) => Buffer.from(v)),
  ]);
}

/** Every record of a topic, read from the beginning to the end it had when asked. */
export async function topicMessages(kafka: Kafka, topic: string): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  for (const [partition, high] of remaining) if (high === 0) remaining.delete(partition);
  const out: TopicMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('grep') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic} not read to its end`)), 30_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          key: String(message.key ?? ''),
          value: message.value ?? Buffer.alloc(0),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/** Rows of every table as text, for the grep. */
export async function tableTexts(db: pg.Client): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_name: table } of rows) {
    out[table] = (await db.query<{ t: string }>(`SELECT t::text AS t FROM ${table} t`)).rows.map((r) => r.t);
  }
  return out;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A `state` frame holding `callId` with its history line. */
export function hasHistoryLine(f: { type: string; calls?: unknown }, callId: string): boolean {
  return (
    f.type === 'state' &&
    ((f.calls ?? []) as { callId: string; history: string | null }[]).some(
      (c) => c.callId === callId && c.history !== null,
    )
  );
}
