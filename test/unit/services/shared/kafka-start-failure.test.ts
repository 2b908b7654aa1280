// A Kafka client error at start, as an operator reads it: a refused login or an untrusted
// certificate is a setting to fix (exit 2), anything else a broker that did not answer (exit 1).
import { describe, expect, it } from 'vitest';
import { kafkaStartFailure } from '../../../../services/shared/kafka-start-failure.ts';

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
    expect(kafkaStartFailure(new Error('not Kafka'))).toBeNull();
    // The broker answered and said no: a setting to fix, not a broker to wait for.
    const acl = named(
      'KafkaJSProtocolError',
      'Not authorized to access topics: [Topic authorization failed]',
      {
        type: 'TOPIC_AUTHORIZATION_FAILED',
      },
    );
    expect(kafkaStartFailure(acl)).toMatchObject({ code: 'KAFKA_NOT_AUTHORIZED', operatorInput: true });
    const factor = named('KafkaJSAggregateError', 'Topic creation errors', {
      cause: named('KafkaJSProtocolError', 'Replication factor: 3 larger than available brokers: 1', {
        type: 'INVALID_REPLICATION_FACTOR',
      }),
    });
    expect(kafkaStartFailure(factor)).toMatchObject({
      code: 'KAFKA_REFUSED',
      message: expect.stringContaining('INVALID_REPLICATION_FACTOR'),
      operatorInput: true,
    });
    // Another kafkajs error is passed on as it is, not called "unreachable".
    expect(kafkaStartFailure(named('KafkaJSOffsetOutOfRange', 'offset out of range'))).toBeNull();
  });
});
