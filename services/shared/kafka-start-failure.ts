// What a Kafka client error at start means to an operator, from kafkajs' error and its causes: a
// refused SASL login (KAFKA_AUTH_FAILED), a broker certificate the client does not trust
// (KAFKA_TLS_FAILED), a user without the ACLs it needs (KAFKA_NOT_AUTHORIZED) or another request
// the broker refuses (KAFKA_REFUSED, e.g. a replication factor above its broker count) are settings
// to fix (the same again will fail again); a broker that did not answer (KAFKA_UNREACHABLE) may come
// back with a restart. kafkajs names the problem in its messages, never the password. Pure.

export interface KafkaStartFailure {
  code:
    'KAFKA_AUTH_FAILED' | 'KAFKA_TLS_FAILED' | 'KAFKA_NOT_AUTHORIZED' | 'KAFKA_REFUSED' | 'KAFKA_UNREACHABLE';
  message: string;
  /** True when a setting is wrong (exit 2), false when a restart may help (exit 1). */
  operatorInput: boolean;
}

/** Node's codes of a TLS peer that failed verification. */
const TLS_VERIFY = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|UNABLE_TO_GET_ISSUER/;

/** kafkajs' errors of a broker that could not be reached, or did not answer in time. */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

interface Link {
  name: string;
  code: string;
  /** kafkajs' protocol error type (TOPIC_AUTHORIZATION_FAILED, …); '' for other errors. */
  type: string;
  message: string;
  /** kafkajs' own verdict: false when the same request will be refused again. */
  retriable: boolean;
}

type RawError = {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
  errors?: unknown;
};

/**
 * The error, its causes and the errors it aggregates (kafkajs' KafkaJSAggregateError lists a topic
 * creation's in `errors`, without a cause), outermost first; at most 20.
 */
function chain(error: unknown): Link[] {
  const out: Link[] = [];
  const queue: unknown[] = [error];
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift() as RawError | undefined;
    if (!e || typeof e !== 'object') continue;
    out.push({
      name: s(e.name),
      code: s(e.code),
      type: s(e.type),
      message: s(e.message),
      retriable: e.retriable !== false,
    });
    if (e.cause) queue.push(e.cause);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return out;
}

/**
 * kafkajs' broker throws a plain Error('Broker not connected') when a request finds its connection
 * gone (a broker paused or partitioned away after the TCP connect): it was START_FAILED, an unknown
 * failure, where it is a broker that did not answer.
 */
const NOT_CONNECTED = 'Broker not connected';
const fromKafka = (l: Link) => l.name.startsWith('KafkaJS') || l.message === NOT_CONNECTED;

export function kafkaStartFailure(error: unknown): KafkaStartFailure | null {
  const links = chain(error);
  if (!links.some(fromKafka)) return null;
  const auth = links.find((l) => l.name === 'KafkaJSSASLAuthenticationError');
  if (auth)
    return {
      code: 'KAFKA_AUTH_FAILED',
      message: `${auth.message} (check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and the password)`,
      operatorInput: true,
    };
  const tls = links.find((l) => TLS_VERIFY.test(l.code));
  if (tls)
    return {
      code: 'KAFKA_TLS_FAILED',
      message: `the broker's certificate is not trusted: ${tls.message.split(';')[0]} (${tls.code}; set KAFKA_SSL_CA_FILE to the CA that signed it)`,
      operatorInput: true,
    };
  // The broker answered, and said no for good (kafkajs retries the answers that may change: a
  // coordinator still loading, a topic not yet known; those are a broker not ready, below).
  const refused = links.find((l) => l.type !== '' && !l.retriable);
  if (refused && /AUTHORIZATION_FAILED$/.test(refused.type))
    return {
      code: 'KAFKA_NOT_AUTHORIZED',
      message: `${refused.type}: ${refused.message} (grant this Kafka user the topics' and groups' ACLs)`,
      operatorInput: true,
    };
  if (refused)
    return {
      code: 'KAFKA_REFUSED',
      message: `the broker refused a request: ${refused.type || 'protocol error'}: ${refused.message}`,
      operatorInput: true,
    };
  const notReady = (l: Link) =>
    UNREACHABLE.has(l.name) || l.message === NOT_CONNECTED || (l.type !== '' && l.retriable);
  if (!links.every((l) => notReady(l) || !fromKafka(l))) return null;
  const last = links[links.length - 1];
  return {
    code: 'KAFKA_UNREACHABLE',
    message: `Kafka did not answer, or was not ready (${last.type || last.message}); check KAFKA_BROKERS and the network`,
    operatorInput: false,
  };
}
