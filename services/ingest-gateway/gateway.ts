// Wires the ingest gateway: shared service base (logger, metrics, ops HTTP, Kafka, topics,
// shutdown), the Kafka sink, the live-call registry and the gRPC server. Used by main.ts and by
// the integration tests (in-process). I/O: network listeners and Kafka.
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { createAudioPlacement, type AudioPlacement } from './audio-placement.ts';
import { createAudioHookMetrics } from './audiohook/metrics.ts';
import { startAudioHookServer, type AudioHookServer } from './audiohook/server.ts';
import { createTokenStore } from './auth.ts';
import { createBalancedPartitioner } from './balanced-partitioner.ts';
import type { GatewayConfig } from './config.ts';
import { createGatewayMetrics, watchPlacement, watchSink } from './gateway-metrics.ts';
import { startGrpcServer, type GrpcServer } from './grpc-server.ts';
import { createKafkaSink } from './kafka-sink.ts';
import { createLiveCalls } from './live-calls.ts';
import { createL16WsMetrics } from './l16ws/metrics.ts';
import { startL16WsServer, type L16WsServer } from './l16ws/server.ts';
import { createTwilioMetrics } from './twilio-metrics.ts';
import { startTwilioServer, type TwilioServer } from './twilio-server.ts';

export const SERVICE_NAME = 'ingest-gateway';

export interface Gateway {
  readonly base: ServiceBase;
  readonly grpc: GrpcServer;
  /** The L16-over-WebSocket adapter, when L16WS_PORT is set. */
  readonly l16ws: L16WsServer | null;
  /** The Twilio Media Streams adapter, when TWILIO_PORT is set. */
  readonly twilio: TwilioServer | null;
  /** The Genesys Cloud AudioHook adapter, when AUDIOHOOK_PORT is set. */
  readonly audiohook: AudioHookServer | null;
  /** Live calls' audio partitions (AUDIO_PARTITIONER=balanced); null with `hash`. */
  readonly audioPlacement: AudioPlacement | null;
  /** Same as SIGTERM: stop intake, flush live calls, close. */
  stop(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig,
  options: { handleSignals?: boolean } = {},
): Promise<Gateway> {
  const audioPlacement = config.audioPartitioner === 'balanced' ? createAudioPlacement() : null;
  const base = await bootService({
    service: SERVICE_NAME,
    config: config.common,
    topics: [config.settings.topics.audio, config.settings.topics.calls],
    handleSignals: options.handleSignals,
    createPartitioner: audioPlacement
      ? createBalancedPartitioner(config.settings.topics.audio, audioPlacement)
      : undefined,
  });
  const metrics = createGatewayMetrics(base.metrics);
  const sink = createKafkaSink({
    producer: base.producer,
    logger: base.logger,
    metrics: base.metrics,
    highWaterBytes: config.backpressureHighBytes,
    lowWaterBytes: Math.floor(config.backpressureHighBytes / 2),
    lanes: config.produceLanes,
    lingerMs: config.produceLingerMs,
  });
  watchSink(base.metrics, sink);
  if (audioPlacement) watchPlacement(base.metrics, audioPlacement);
  // One registry for every adapter: the same quotas, duplicate-id refusal and idle sweep.
  // A call's audio partition is freed with the call (after its last records were acknowledged).
  const liveCalls = createLiveCalls(config.maxLiveCalls, config.tenantQuotas, (key) =>
    audioPlacement?.release(key),
  );
  const grpc = await startGrpcServer({
    host: config.grpcHost,
    port: config.grpcPort,
    tls: config.tls,
    tokens: createTokenStore(config.tenantTokens),
    settings: config.settings,
    idleTimeoutMs: config.idleTimeoutMs,
    maxFrameBytes: config.settings.maxFrameBytes,
    sink,
    liveCalls,
    logger: base.logger,
    metrics,
  });
  const l16ws = config.l16ws
    ? await startL16WsServer({
        ...config.l16ws,
        reconnectGraceMs: config.reconnectGraceMs,
        tls: config.tls,
        settings: config.settings,
        sink,
        liveCalls,
        logger: base.logger,
        metrics,
        adapterMetrics: createL16WsMetrics(base.metrics),
      })
    : null;
  if (l16ws) base.shutdown.add('l16ws: end live calls, flush audio', () => l16ws.stop());
  const twilio = config.twilio
    ? await startTwilioServer({
        config: config.twilio,
        reconnectGraceMs: config.reconnectGraceMs,
        tls: config.tls,
        settings: config.settings,
        sink,
        liveCalls,
        logger: base.logger,
        metrics,
        twilioMetrics: createTwilioMetrics(base.metrics.registry),
      })
    : null;
  const audiohook = config.audiohook
    ? await startAudioHookServer({
        config: config.audiohook,
        tls: config.tls,
        settings: config.settings,
        sink,
        liveCalls,
        logger: base.logger,
        metrics,
        adapterMetrics: createAudioHookMetrics(base.metrics),
      })
    : null;
  if (audiohook) base.shutdown.add('audiohook: end live conversations, flush audio', () => audiohook.stop());
  base.ops.addReadiness('grpc', () => grpc.health.get() === 'SERVING');
  if (twilio) base.shutdown.add('twilio: end live streams, flush audio', () => twilio.stop());
  base.shutdown.add('grpc: end live calls, flush audio', () => grpc.stop());
  for (const warning of config.warnings) base.logger.warn(warning);
  base.logger.info('ingest gateway listening', {
    grpcPort: grpc.port,
    l16wsPort: l16ws?.port ?? null,
    tls: config.tls !== null,
    tenants: config.tenantTokens.size,
    twilioPort: twilio?.port ?? null,
    audiohookPort: audiohook?.port ?? null,
  });
  return {
    base,
    grpc,
    l16ws,
    twilio,
    audiohook,
    audioPlacement,
    stop: () => base.shutdown.run('stop'),
  };
}
