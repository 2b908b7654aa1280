// A Kafka client error at start, as an operator reads it: a refused login or an untrusted
// certificate is a setting to fix (exit 2), anything else a broker that did not answer (exit 1).
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { kafkaStartFailure } from '../../../../services/shared/kafka-start-failure.ts';

// kafkajs' own error classes and protocol error table (what the services meet at start).
const require = createRequire(import.meta.url);
const { KafkaJSAggregateError, KafkaJSCreateTopicError, KafkaJSNumberOfRetriesExceeded } =
  require('kafkajs/src/errors.js') as Record<string, new (...args: unknown[]) => Error>;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error;
};

const named = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('kafkaStartFailure', () => {
  it('tells a refused login, an untrusted certificate and an unreachable broker apart', () => {
    expect(
      kafkaStartFailure(named('KafkaJSSASLAuthenticationError', 'SASL PLAIN authentication failed')),
    ).toMatchObject({ code: 'KAFKA_AUTH_FAILED', operatorInput: true });
    const tls = named('KafkaJSNumberOfRetriesExceeded', 'retries exceeded', {
      cause: named(
        'KafkaJSConnectionError',
        'Connection error: self-signed certificate; try --use-system-ca',
        {
          code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        },
      ),
    });
    expect(kafkaStartFailure(tls)).toMatchObject({
      code: 'KAFKA_TLS_FAILED',
      message: expect.stringContaining('KAFKA_SSL_CA_FILE'),
      operatorInput: true,
    });
    const down = named('KafkaJSNumberOfRetriesExceeded', 'retries exceeded', {
      cause: named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    });
    expect(kafkaStartFailure(down)).toMatchObject({ code: 'KAFKA_UNREACHABLE', operatorInput: false });
    // A broker paused after the connect: kafkajs throws a plain Error (was START_FAILED).
    expect(kafkaStartFailure(new Error('Broker not connected'))).toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      operatorInput: false,
    });
    expect(kafkaStartFailure(new Error('something else'))).toBeNull();
    expect(kafkaStartFailure(new Error('not Kafka'))).toBeNull();
    // Built from kafkajs' own errors: the broker answered and said no for good (exit 2), or was
    // not ready yet (a coordinator loading: exit 1, a restart may help).
    expect(kafkaStartFailure(createErrorFromCode(29))).toMatchObject({
      code: 'KAFKA_NOT_AUTHORIZED',
      message: expect.stringContaining('TOPIC_AUTHORIZATION_FAILED'),
      operatorInput: true,
    });
    const factor = new KafkaJSAggregateError('Topic creation errors', [
      new KafkaJSCreateTopicError(createErrorFromCode(38), 'va.audio.v1'),
    ]);
    expect(kafkaStartFailure(factor)).toMatchObject({
      code: 'KAFKA_REFUSED',
      message: expect.stringContaining('INVALID_REPLICATION_FACTOR'),
      operatorInput: true,
    });
    const loading = new KafkaJSNumberOfRetriesExceeded(createErrorFromCode(15), {
      retryCount: 5,
      retryTime: 100,
    });
    expect(kafkaStartFailure(loading)).toMatchObject({ code: 'KAFKA_UNREACHABLE', operatorInput: false });
    // Another kafkajs error is passed on as it is.
    expect(kafkaStartFailure(named('KafkaJSOffsetOutOfRange', 'offset out of range'))).toBeNull();
  });
});
