// What a Kafka client error at start means to an operator, from kafkajs' error and its causes: a
// refused SASL login (KAFKA_AUTH_FAILED) or a broker certificate the client does not trust
// (KAFKA_TLS_FAILED) are settings to fix (the same again will fail again); anything else of
// kafkajs' (KAFKA_UNREACHABLE) may pass with a restart. kafkajs names the problem in its
// messages, never the password. Pure.

export interface KafkaStartFailure {
  code: 'KAFKA_AUTH_FAILED' | 'KAFKA_TLS_FAILED' | 'KAFKA_UNREACHABLE';
  message: string;
  /** True when a setting is wrong (exit 2), false when a restart may help (exit 1). */
  operatorInput: boolean;
}

/** Node's codes of a TLS peer that failed verification. */
const TLS_VERIFY = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|UNABLE_TO_GET_ISSUER/;

function chain(error: unknown): { name: string; code: string; message: string }[] {
  const out: { name: string; code: string; message: string }[] = [];
  for (
    let e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | undefined,
      depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = e.cause as typeof e, depth += 1
  )
    out.push({ name: String(e.name ?? ''), code: String(e.code ?? ''), message: String(e.message ?? '') });
  return out;
}

export function kafkaStartFailure(error: unknown): KafkaStartFailure | null {
  const links = chain(error);
  if (!links.some((l) => l.name.startsWith('KafkaJS'))) return null;
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
  const last = links[links.length - 1];
  return {
    code: 'KAFKA_UNREACHABLE',
    message: `no Kafka broker answered (${last.message}); check KAFKA_BROKERS and the network`,
    operatorInput: false,
  };
}
