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
    retry: { initialRetryTime: 100, retries: 8 },
    ...options.security,
  };
  return new Kafka(config);
}
