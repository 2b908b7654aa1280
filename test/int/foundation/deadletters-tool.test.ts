// `npm run deadletters` against the real broker: the dead letters produced since a time, one JSON
// line each with where the refused record is and why, filtered by code; older ones and records
// that are not dead letters are left out; a topic without dead letters prints nothing; bad input
// is one USAGE line, exit 2.
import { spawnSync } from 'node:child_process';
import { describe, expect, it, inject } from 'vitest';
import { deadLetterRecord } from '../../../services/shared/dead-letter.ts';
import { createTestTopics, testKafka, uniqueName } from '../../support/kafka.ts';

const run = (topic: string, ...args: string[]) =>
  spawnSync(process.execPath, ['services/shared/deadletters-main.ts', ...args], {
    env: { PATH: process.env.PATH, KAFKA_BROKERS: inject('kafkaBrokers').join(','), DEADLETTER_TOPIC: topic },
    encoding: 'utf8',
    timeout: 90_000,
  });

const refused = (offset: string, reasonCode: string, key = `acme/call-${offset}`) =>
  deadLetterRecord(
    {
      topic: 'va.features.v1',
      partition: 1,
      message: { key: Buffer.from(key), value: Buffer.from('never copied'), offset, headers: {} },
      reasonCode,
      reason: `refused ${offset}`,
    },
    { service: 'call-store', consumerGroup: 'va-call-store' },
  );

describe('npm run deadletters', () => {
  it('prints the dead letters since a time, filtered by code, and a summary', async () => {
    const kafka = testKafka('deadletters-test');
    const topic = uniqueName('dead');
    await createTestTopics(kafka, [topic], 2);
    const producer = kafka.producer();
    await producer.connect();
    try {
      const old = refused('1', 'DECODE_FAILED').message;
      await producer.send({
        topic,
        messages: [{ ...old, partition: 0, timestamp: String(Date.now() - 3 * 3_600_000) }],
      });
      await producer.send({
        topic,
        messages: [
          { ...refused('2', 'DECODE_FAILED').message, partition: 0 },
          { ...refused('3', 'WINDOW_JUMP').message, partition: 1 },
          // Not a dead letter, though protobuf decodes it: never printed.
          { key: 'x', value: Buffer.from('2#Jane Doe 07700 900123 card 41111111'), partition: 1 },
          { ...refused('4', 'DECODE_FAILED').message, partition: 1 },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    const all = run(topic, '--since', '1h');
    expect(all.status, all.stderr).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => (l.source as { offset: string }).offset).sort()).toEqual(['2', '3', '4']);
    expect(lines[0]).toMatchObject({
      service: 'call-store',
      consumerGroup: 'va-call-store',
      source: { topic: 'va.features.v1', partition: 1 },
    });
    expect(all.stdout).not.toContain('Jane Doe');
    expect(JSON.parse(all.stderr.trim().split('\n').pop()!)).toMatchObject({
      msg: 'dead letters',
      printed: 3,
      byCode: { DECODE_FAILED: 2, WINDOW_JUMP: 1 },
      undecodable: 1,
    });

    const jumps = run(topic, '--since', '1h', '--code', 'WINDOW_JUMP');
    expect(
      jumps.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).key),
    ).toEqual(['acme/call-3']);
    const older = run(topic, '--since', '1d');
    expect(older.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('prints nothing for a topic that does not exist yet, and refuses bad input in one line', () => {
    const none = run(uniqueName('absent'));
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    expect(JSON.parse(none.stderr.trim())).toMatchObject({ printed: 0 });

    const bad = run('va.deadletter.v1', '--since', 'yesterday');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(
      'deadletters: USAGE: --since must be like 30m, 6h, 7d or an ISO time in the past (got "yesterday")',
    );
    expect(run('va.deadletter.v1', '--limit', '0').status).toBe(2);
  });
});
