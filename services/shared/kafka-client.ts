// One place that builds kafkajs clients for every service and tool, with quiet logging (errors
// only) written without what the product's handlers' errors carry (kafka-log.ts). I/O: none until the returned client connects.
// First: swaps in a faster record-batch checksum before kafkajs loads (see kafka-crc32c.ts).
import './kafka-crc32c.ts';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log.ts';
import type { KafkaSecurity } from './kafka-security.ts';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS / SASL (kafka-security.ts); plaintext without. */
  security?: KafkaSecurity;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 5_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.ERROR,
    logCreator: kafkaLogCreator,
    // Backoff 100 ms doubling up to 1 s, then every second, for about 25 s in all (as the default
    // 8 doublings took): after a broker loss, KRaft fences it after broker.session.timeout.ms (9 s)
    // and elects new leaders; a client retrying every second finds them within a second, where
    // the doubling schedule (…6.4 s, 12.8 s) waited up to 4 s more (bench:faults).
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 30 },
    ...options.security,
  };
  return new Kafka(config);
}
