// One place that builds kafkajs clients for every service and tool, with quiet logging routed to
// the structured logger. I/O: none until the returned client connects.
// First: swaps in a faster record-batch checksum before kafkajs loads (see kafka-crc32c.ts).
import './kafka-crc32c.ts';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
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
    retry: { initialRetryTime: 100, retries: 8 },
    ...options.security,
  };
  return new Kafka(config);
}
