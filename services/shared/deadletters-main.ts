// `npm run -s deadletters -- [--since 24h] [--code C] [--service S] [--source-topic T] [--limit N]`:
// prints the dead letters on DEADLETTER_TOPIC (va.deadletter.v1) produced since a time, one JSON
// line each (dead-letter-view.ts), oldest first per partition, then a summary line on stderr
// (count by code). The records are protobuf: kafka-console-consumer showed bytes, and the runbook's
// "look at one" had no tool. Reads up to the end the topic had when it started, without joining the
// services' groups and without committing (a throwaway group, deleted at the end). Config:
// commonEnv (KAFKA_BROKERS, Kafka TLS / SASL) and DEADLETTER_TOPIC; a problem is one line, exit 2.
// I/O: Kafka (admin, consumer), stdout, stderr.
import { randomUUID } from 'node:crypto';
import { intArg, parseCli, usageExit } from './cli-args.ts';
import { commonEnv, topicVar } from './config.ts';
import {
  asDeadLetter,
  deadLetterLine,
  matchesFilter,
  sinceMs,
  type DeadLetterFilter,
} from './dead-letter-view.ts';
import { createKafka } from './kafka-client.ts';
import { offsetsRetried } from './start-positions.ts';
import { startOrExit } from './start-error.ts';
import { toolSettingsOrExit } from './tool-settings.ts';
import { TOPICS } from './topics.ts';

const NAME = 'deadletters';
const USAGE = `usage: npm run -s deadletters -- [--since <30m|6h|7d|ISO time>] [--code <CODE>] [--service <name>]
                                    [--source-topic <topic>] [--limit <n>]
  Prints the dead letters on DEADLETTER_TOPIC (default ${TOPICS.deadletter}) since a time (default
  24h), one JSON line each: when, which service refused which record (topic, partition, offset,
  key) and why (code, message). Never a value: read the refused record at its offset while its
  topic still keeps it. A summary (count by code) goes to stderr.`;
const IDLE_TIMEOUT_MS = 30_000;

const cli = parseCli(NAME, USAGE, {
  options: {
    since: { type: 'string', default: '24h' },
    code: { type: 'string' },
    service: { type: 'string' },
    'source-topic': { type: 'string' },
    limit: { type: 'string', default: '10000' },
  },
  allowPositionals: false,
});
const startMs =
  sinceMs(cli.values.since, Date.now()) ??
  usageExit(
    NAME,
    USAGE,
    `--since must be like 30m, 6h, 7d or an ISO time in the past (got "${cli.values.since}")`,
  );
const limit = intArg(NAME, USAGE, 'limit', cli.values.limit, { min: 1, max: 1_000_000 });
const filter: DeadLetterFilter = {
  reasonCode: cli.values.code,
  service: cli.values.service,
  sourceTopic: cli.values['source-topic'],
};

const { config, security } = toolSettingsOrExit({
  ...commonEnv,
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
});
const topic = config.DEADLETTER_TOPIC;
const kafka = createKafka({
  clientId: 'va-deadletters',
  brokers: config.KAFKA_BROKERS,
  security: security.security,
});

/** Per partition: where the read starts (first record at or after --since) and the end it had. */
async function ranges(): Promise<Map<number, { from: bigint; end: bigint }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return new Map(); // no service has dead-lettered anything yet
    const ends = await offsetsRetried(() => admin.fetchTopicOffsets(topic));
    const starts = await offsetsRetried(() => admin.fetchTopicOffsetsByTimestamp(topic, startMs));
    const out = new Map<number, { from: bigint; end: bigint }>();
    for (const { partition, high } of ends) {
      const from = BigInt(starts.find((s) => s.partition === partition)?.offset ?? high);
      if (from < BigInt(high)) out.set(partition, { from, end: BigInt(high) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

const pending = await startOrExit('va-deadletters', ranges);
const counts: Record<string, number> = {};
let printed = 0;
let undecodable = 0;
let interrupted = false;

if (pending.size > 0) {
  const groupId = `va-deadletters-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await startOrExit('va-deadletters', async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
  });
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idle = setTimeout(finish, IDLE_TIMEOUT_MS);
  // Ctrl-C: stop reading, print the summary and delete the throwaway group (it stayed behind).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      interrupted = true;
      finish();
    });
  // Seeks once the group has assigned the partitions (before it, kafkajs has no group to seek in),
  // and again after a rejoin, to the first record not read yet (not the start: lines twice).
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, { from }] of pending) consumer.seek({ topic, partition, offset: String(from) });
  });
  await startOrExit('va-deadletters', () =>
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = pending.get(partition);
        if (range === undefined || BigInt(message.offset) < range.from) return;
        range.from = BigInt(message.offset) + 1n;
        clearTimeout(idle);
        idle = setTimeout(finish, IDLE_TIMEOUT_MS);
        if (printed < limit) {
          // Only what a service dead-lettered: another record on the topic may hold anything.
          const letter = asDeadLetter(message.value, message.headers);
          if (letter === null) undecodable += 1;
          else {
            const line = deadLetterLine(letter, { partition, offset: message.offset });
            if (matchesFilter(line, filter)) {
              process.stdout.write(`${JSON.stringify(line)}\n`);
              printed += 1;
              counts[line.reasonCode] = (counts[line.reasonCode] ?? 0) + 1;
            }
          }
        }
        if (range.from >= range.end) pending.delete(partition);
        if (pending.size === 0 || printed >= limit) finish();
      },
    }),
  );
  await finished;
  clearTimeout(idle);
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin
    .connect()
    .then(() => admin.deleteGroups([groupId]))
    .catch(() => undefined) // a group left behind expires with the broker's offsets retention
    .finally(() => admin.disconnect());
}

const summary = {
  level: 'info',
  msg: 'dead letters',
  topic,
  since: new Date(startMs).toISOString(),
  printed,
  byCode: counts,
  ...(printed >= limit ? { limitReached: limit } : {}),
  ...(undecodable > 0 ? { undecodable } : {}),
  ...(interrupted ? { interrupted: true } : {}),
  ...(pending.size > 0 && printed < limit && !interrupted
    ? { incomplete: `no record for ${IDLE_TIMEOUT_MS / 1000} s` }
    : {}),
};
process.stderr.write(`${JSON.stringify(summary)}\n`);
