// A call store's pieces run in a test process beside the alert harness: the Kafka side of its feeds
// (revocations, login attempts: its own client and idempotent producer, as the service's, and a
// quiet logger; disconnect the producer after the feed has stopped) and the harness's token key
// and claims. I/O: connects to the test broker.
import type { TokenOptions } from '../../../services/shared/auth/tokens.ts';
import type { AlertServiceConfig } from '../../../services/alert-service/config.ts';
import type { ReplayFeedConnection } from '../../../services/shared/replay-feed.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { testKafka } from '../../support/kafka.ts';

export async function storeFeedConnection(
  topic: string,
  service = 'call-store',
): Promise<ReplayFeedConnection> {
  const kafka = testKafka('va-test-store');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    kafka,
    producer,
    service,
    groupPrefix: `${topic}.store`,
    topic,
    logger: createLogger({ service: 'call-store', level: 'warn' }),
  };
}

/** The alert service's token key and claims: the store verifies its tokens and issues alike. */
export function storeTokens(config: AlertServiceConfig): TokenOptions {
  return {
    secret: new TextEncoder().encode(config.jwtSecret!),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  };
}
