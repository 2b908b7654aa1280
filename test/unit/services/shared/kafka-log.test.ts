// kafkajs logs errors thrown by our handlers with their message and stack; a database error can
// quote a record's values. The lines we let it write keep no such text (SECURITY.md, privacy).
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogLine } from '../../../../services/shared/kafka-log.ts';

const entry = (namespace: string, message: string, extra: Record<string, unknown>) => ({
  namespace,
  level: logLevel.ERROR,
  label: 'ERROR',
  log: { timestamp: '2026-12-04T10:00:00Z', message, ...extra },
});

describe('kafkajs log lines', () => {
  it('keep no message or stack of an error thrown by a handler', () => {
    const secret = 'duplicate key (tenant, agent_id)=(acme, agent-jane.doe)';
    const lines = [
      kafkaLogLine(
        entry('Runner', 'Error when calling eachBatch', {
          topic: 'va.calls.v1',
          partition: 3,
          error: secret,
          stack: `Error: ${secret}\n    at write`,
        }),
      ),
      kafkaLogLine(entry('Consumer', `Crash: DatabaseError: ${secret}`, { groupId: 'g', stack: secret })),
      kafkaLogLine(entry('Consumer', `Failed to execute listener: ${secret}`, {})),
    ];
    for (const line of lines) expect(JSON.stringify(line)).not.toContain('jane.doe');
    expect(lines[0]).toMatchObject({
      level: 'error',
      namespace: 'Runner',
      topic: 'va.calls.v1',
      partition: 3,
    });
    expect(lines[1].msg).toBe('Crash: DatabaseError');
  });

  it("keep the client's own connection errors readable", () => {
    const line = kafkaLogLine(
      entry('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
        broker: '127.0.0.1:9092',
        error: 'connect ECONNREFUSED 127.0.0.1:9092',
      }),
    );
    expect(line).toMatchObject({ broker: '127.0.0.1:9092', error: 'connect ECONNREFUSED 127.0.0.1:9092' });
    expect(line.msg).toContain('ECONNREFUSED');
  });

  it('write a broker answer kafkajs retries by itself as a warning, and the rest as errors', () => {
    const response = (error: string) =>
      kafkaLogLine(entry('Connection', 'Response GroupCoordinator(key: 10, version: 2)', { error }));
    expect(response("The coordinator is loading and hence can't process requests for this group").level).toBe(
      'warn',
    );
    expect(response('The group coordinator is not available').level).toBe('warn');
    // A heartbeat answered "rebalancing": the consumer rejoins the group, as designed.
    expect(response('The group is rebalancing, so a rejoin is needed').level).toBe('warn');
    expect(response('Not authorized to access group: Group authorization failed.').level).toBe('error');
    // Services starting together: all but the first are told the topics exist (topics.ts judges).
    const created = kafkaLogLine(
      entry('Connection', 'Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' }),
    );
    expect(created.level).toBe('info');
  });

  it("write a consumer's restart after a retried answer as a warning (a fresh broker's first join), other crashes as errors", () => {
    const crash = (message: string) =>
      kafkaLogLine(entry('Consumer', `Crash: KafkaJSProtocolError: ${message}`, { groupId: 'g1' }));
    const restart = () =>
      kafkaLogLine(entry('Consumer', 'Restarting the consumer in 100ms', { groupId: 'g1' }));
    expect(crash("The coordinator is loading and hence can't process requests for this group").level).toBe(
      'warn',
    );
    expect(restart().level).toBe('warn');
    expect(crash('Not authorized to access group: Group authorization failed.').level).toBe('error');
    expect(restart().level).toBe('error');
    // A rejoin answer: kafkajs does not restart a consumer that crashed on it.
    expect(crash('The group is rebalancing, so a rejoin is needed').level).toBe('error');
    expect(
      kafkaLogLine(
        entry('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded: Connection timeout', { groupId: 'g1' }),
      ).level,
    ).toBe('error');
  });
});
