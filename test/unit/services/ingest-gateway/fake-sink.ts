// What the gateway's call-session and gRPC-server tests run a call against instead of Kafka: a sink
// that hands each batch of records to the test, the session settings of a plain 8 kHz call (1 s
// chunks, 5 s gap fill, no pace limit), and a logger and metrics that keep quiet. Pure.
import type { SessionSettings } from '../../../../services/ingest-gateway/call-session-types.ts';
import {
  createGatewayMetrics,
  type GatewayMetrics,
} from '../../../../services/ingest-gateway/gateway-metrics.ts';
import type { KafkaSink } from '../../../../services/ingest-gateway/kafka-sink.ts';
import { createLogger, type Logger } from '../../../../services/shared/logger.ts';
import { createServiceMetrics } from '../../../../services/shared/metrics.ts';
import type { OutRecord } from '../../../../services/shared/producer.ts';

/** A sink that is never behind, never stalled and holds nothing: every batch goes to `send`. */
export function fakeSink(send: (records: OutRecord[]) => void | Promise<void>): KafkaSink {
  return {
    send: async (_key, records) => {
      await send(records);
    },
    isBehind: () => false,
    onceDrained: () => {},
    pendingBytes: () => 0,
    stalledForMs: () => 0,
    idle: async () => {},
  };
}

/** The session settings of these tests' calls, topics `audio` and `calls` (a fresh copy each). */
export const sessionSettings = (): SessionSettings => ({
  customerRefKeys: new Map(),
  maxFrameBytes: 64_000,
  batchMaxDelayMs: 40,
  maxChunkMs: 1_000,
  maxGapFillMs: 5_000,
  ackEveryFrames: 1_000,
  callStartTimeoutMs: 10_000,
  pace: { maxSpeed: 0, burstMs: 0 },
  topics: { audio: 'audio', calls: 'calls' },
  brokerOutage: { shedAfterMs: 60_000, holdMaxMs: 120_000, retryPushbackMs: 1_000 },
});

export const quietLogger = (): Logger => createLogger({ service: 'test', write: () => {} });

export const testGatewayMetrics = (): GatewayMetrics =>
  createGatewayMetrics(createServiceMetrics('test', { defaultMetrics: false }));
