// A flood of poison records is counted per record but logged once per topic, code and 10 s, the
// next line saying how many were held back; every one still gets its dead letter.
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { poisonOutput } from '../../../../services/shared/consumer-records.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

describe('poison records', () => {
  it('are dead-lettered each, logged once per topic and code', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 'svc', level: 'info', write: (l) => lines.push(JSON.parse(l)) });
    const policy = { service: 'poison-log-test', groupId: 'g', logger, poison: 'dead-letter' as const };
    const message = (offset: number) =>
      ({
        offset: String(offset),
        key: Buffer.from('k'),
        value: Buffer.from([0xff]),
        headers: {},
      }) as unknown as KafkaMessage;
    const letters = Array.from({ length: 100 }, (_, i) =>
      poisonOutput(
        policy,
        { topic: 'va.features.v1', partition: 0, message: message(i) },
        new Error('bad'),
        'DECODE_FAILED',
      ),
    );
    expect(letters.every((l) => l !== null)).toBe(true);
    expect(lines.filter((l) => l.msg === 'record dead-lettered')).toHaveLength(1);
    poisonOutput(
      policy,
      { topic: 'va.calls.v1', partition: 0, message: message(0) },
      new Error('bad'),
      'DECODE_FAILED',
    );
    expect(lines.filter((l) => l.msg === 'record dead-lettered')).toHaveLength(2);
  });
});
