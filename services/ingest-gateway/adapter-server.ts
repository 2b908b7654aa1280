// What the gateway gives each WebSocket adapter server (Twilio Media Streams, L16 over WebSocket,
// AudioHook) and what it gets back: the shared session plumbing in, a port and a stop out.
// Types only.
import type { TlsIdentity } from './tls-identity.ts';
import type { Logger } from '../shared/logger.ts';
import type { SessionSettings } from './call-session.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { KafkaSink } from './kafka-sink.ts';
import type { LiveCalls } from './live-calls.ts';
import type { Drainable } from './drain.ts';

export interface AdapterServerOptions {
  /** wss:// with this certificate; null = plain ws:// (TLS ends at a proxy). */
  tls: TlsIdentity | null;
  settings: SessionSettings;
  sink: KafkaSink;
  liveCalls: LiveCalls;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** drain(): new upgrades get 503 (the platform tries another gateway), live calls go on. */
export interface AdapterServer extends Drainable {
  readonly port: number;
  /** Refuses new connections, ends live calls (flushing their audio), waits for Kafka, closes. */
  stop(): Promise<void>;
}
