// Wires the ingest gateway: shared service base (logger, metrics, ops HTTP, Kafka, topics,
// shutdown), the Kafka sink, the live-call registry and the gRPC server. Used by main.ts and by
// the integration tests (in-process). I/O: network listeners and Kafka.
import { Gauge } from 'prom-client';
import { bootService, type ServiceBase } from '../shared/service-base.ts';
import { createAudioPlacement, type AudioPlacement } from './audio-placement.ts';
import { createAudioHookMetrics } from './audiohook/metrics.ts';
import { startAudioHookServer, type AudioHookServer } from './audiohook/server.ts';
import { createTokenStore } from './auth.ts';
import { createBalancedPartitioner } from './balanced-partitioner.ts';
import { gatewayEnv, publishedPairProblems, type GatewayConfig } from './config.ts';
import { createGatewayMetrics, watchPlacement, watchSink } from './gateway-metrics.ts';
import { startGrpcServer, type ConsentChanges, type GrpcServer } from './grpc-server.ts';
import { createConsentFeed } from './consent-feed.ts';
import { createConsentMemory } from './consent-memory.ts';
import { createKafkaSink, type KafkaSink } from './kafka-sink.ts';
import { createLiveCalls } from './live-calls.ts';
import { createDrain, type Drainable } from './drain.ts';
import { metricBuilders } from '../shared/metric-builders.ts';
import { createL16WsMetrics } from './l16ws/metrics.ts';
import { startL16WsServer, type L16WsServer, type L16WsServerOptions } from './l16ws/server.ts';
import { createTwilioMetrics } from './twilio-metrics.ts';
import { startTwilioServer, type TwilioServer } from './twilio-server.ts';
import { watchTlsIdentity, type TlsIdentity } from './tls-identity.ts';
import { settingNames } from '../shared/setting-names.ts';
import { audiohookEnv } from './audiohook/config.ts';
import { l16wsEnv } from './l16ws/config.ts';
import { twilioEnv } from './twilio-config.ts';

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
  /** Same as SIGTERM: drain (DRAIN_MAX_MS), end the calls left, flush their audio, close. */
  stop(): Promise<void>;
}

/**
 * What every intake (gRPC and each adapter) shares: transport security, session settings, the
 * Kafka sink, the one live-call registry, the logger and the gateway metrics.
 */
type Intake = Pick<L16WsServerOptions, 'tls' | 'settings' | 'sink' | 'liveCalls' | 'logger' | 'metrics'>;

/** The optional adapters, each null when its port is not configured. */
type Adapters = Pick<Gateway, 'l16ws' | 'twilio' | 'audiohook'>;

export async function startGateway(
  config: GatewayConfig,
  options: { handleSignals?: boolean } = {},
): Promise<Gateway> {
  const audioPlacement = config.audioPartitioner === 'balanced' ? createAudioPlacement() : null;
  const base = await bootService({
    service: SERVICE_NAME,
    config: config.common,
    settings: settingNames(gatewayEnv, l16wsEnv, twilioEnv, audiohookEnv),
    topics: [config.settings.topics.audio, config.settings.topics.calls],
    audioTopic: config.settings.topics.audio,
    handleSignals: options.handleSignals,
    // In an outage the gateway sheds new calls itself (UNAVAILABLE, retry delay): it stays ready.
    brokerReadiness: false,
    createPartitioner: audioPlacement
      ? createBalancedPartitioner(config.settings.topics.audio, audioPlacement)
      : undefined,
  });
  const metrics = createGatewayMetrics(base.metrics);
  const sink = createWatchedSink(config, base);
  if (audioPlacement) watchPlacement(base.metrics, audioPlacement);
  // One registry for every adapter: the same quotas, duplicate-id refusal and idle sweep.
  // A call's audio partition is freed with the call (after its last records were acknowledged).
  const liveCalls = createLiveCalls(config.maxLiveCalls, config.tenantQuotas, (key, handedOver) =>
    audioPlacement?.release(key, handedOver),
  );
  const consentChanges = await startConsentFeed(config, base);
  const tls = tlsIdentityOf(config, base);
  const intake: Intake = {
    tls,
    settings: config.settings,
    sink,
    liveCalls,
    logger: base.logger,
    metrics,
  };
  const grpc = await startGrpcServer({
    ...intake,
    host: config.grpcHost,
    port: config.grpcPort,
    tokens: createTokenStore(config.tenantTokens),
    idleTimeoutMs: config.idleTimeoutMs,
    maxFrameBytes: config.settings.maxFrameBytes,
    maxWaitingStreams: config.maxWaitingStreams,
    maxConnectionIdleMs: config.maxConnectionIdleMs,
    reconnectGraceMs: config.reconnectGraceMs,
    consentChanges,
  });
  const adapters = await startAdapters(config, base, intake);
  base.ops.addReadiness('grpc', () => grpc.health.get() === 'SERVING');
  addDrain(config, base, [grpc, adapters.l16ws, adapters.twilio, adapters.audiohook]);
  // A second signal exits at once, skipping the steps below: say what that leaves undone.
  base.shutdown.onForcedExit(() =>
    base.logger.error('exiting at once: live calls cut without their end, accepted audio not delivered', {
      liveCalls: liveCalls.all().length,
      pendingBytes: sink.pendingBytes(),
    }),
  );
  // Every intake ends its calls at once and they share one flush deadline (SHUTDOWN_FLUSH_MS: a
  // broker that is down may need most of the grace period): as steps of their own, each waited on
  // the same sink while the next intake still took audio, and their deadlines added up past the
  // grace. What is still held after it is lost: said in an error line, and the exit code is 1.
  base.shutdown.add(
    'end live calls on every intake, flush audio',
    async () => {
      const intakes = [grpc, adapters.l16ws, adapters.twilio, adapters.audiohook];
      await Promise.all(intakes.map((intake) => intake?.stop()));
    },
    config.shutdownFlushMs,
  );
  base.shutdown.add('account for audio not delivered', () => {
    const bytes = sink.pendingBytes();
    if (bytes > 0)
      throw new Error(`${bytes} bytes of accepted audio were not delivered to Kafka before the stop`);
  });
  for (const warning of config.warnings) base.logger.warn(warning);
  base.markStarted();
  base.logger.info('ingest gateway listening', {
    grpcPort: grpc.port,
    l16wsPort: adapters.l16ws?.port ?? null,
    tls: config.tls !== null,
    tenants: config.tenantTokens.size,
    twilioPort: adapters.twilio?.port ?? null,
    audiohookPort: adapters.audiohook?.port ?? null,
  });
  return { base, grpc, ...adapters, audioPlacement, stop: () => base.shutdown.run('stop') };
}

/**
 * The first step of a stop (drain.ts): /readyz fails at once, new calls are refused, the live
 * WebSocket adapters' calls go on for up to DRAIN_MAX_MS. The step's own bound is a little longer
 * than the drain's, which ends itself at DRAIN_MAX_MS: reaching it is no failure (exit 0).
 */
function addDrain(config: GatewayConfig, base: ServiceBase, intakes: (Drainable | null)[]): void {
  const drain = createDrain(
    intakes.filter((intake) => intake !== null),
    config.drainMaxMs,
  );
  base.ops.addReadiness('draining', () => !drain.draining());
  metricBuilders(base.metrics.registry).gaugeReading(
    'va_ingest_draining_calls',
    'WebSocket adapter calls a stop (SIGTERM) still lets run before it ends them (DRAIN_MAX_MS); 0 when not stopping',
    () => drain.waitingFor(),
  );
  // Together they tell a drain about to cut calls (alert VaIngestDrainLong) while it still runs:
  // a counter bumped at the cut would rarely be scraped from a process that exits right after.
  const gauge = metricBuilders(base.metrics.registry);
  gauge.gaugeReading(
    'va_ingest_drain_elapsed_seconds',
    'How long the running drain has lasted (0 when not stopping); at va_ingest_drain_max_seconds the calls left are cut',
    () => drain.elapsedMs() / 1000,
  );
  gauge.gaugeReading(
    'va_ingest_drain_max_seconds',
    'DRAIN_MAX_MS in seconds: how long a stop lets the adapter calls run',
    () => config.drainMaxMs / 1000,
  );
  base.shutdown.add(
    'drain: refuse new calls, let live ones end',
    async () => {
      const startedMonoMs = performance.now();
      const run = drain.run();
      const calls = drain.waitingFor();
      // Said at once: an operator (or a developer's Ctrl-C) otherwise sees a stop that hangs.
      if (calls > 0)
        base.logger.warn(
          'draining: live adapter calls go on until they end (DRAIN_MAX_MS); a second signal stops at once',
          {
            calls,
            drainMaxMs: config.drainMaxMs,
          },
        );
      await run;
      if (calls > 0)
        base.logger.info('drain over', {
          afterMs: Math.round(performance.now() - startedMonoMs),
          callsLeft: drain.waitingFor(),
        });
    },
    config.drainMaxMs + 1_000,
  );
}

/**
 * Every gateway's consent changes, read from va.calls.v1 (consent-feed.ts) until the stop: the
 * gateway is not ready before it has re-read CONSENT_MEMORY_MS of them. Null when that is 0.
 */
async function startConsentFeed(config: GatewayConfig, base: ServiceBase): Promise<ConsentChanges | null> {
  const { memoryMs, maxCalls, checkMaxMs, groupPrefix } = config.consentChanges;
  if (memoryMs <= 0) return null;
  const memory = createConsentMemory({ memoryMs, maxCalls });
  const feed = createConsentFeed({
    kafka: base.kafka,
    producer: base.producer,
    topic: config.settings.topics.calls,
    memory,
    lookbackMs: memoryMs,
    checkMaxMs,
    groupPrefix,
    logger: base.logger,
    metrics: base.metrics,
  });
  await feed.start();
  base.shutdown.addFinal('consent-feed', () => feed.stop());
  base.ops.addReadiness('consent-changes', () => feed.rebuilt());
  const gauges = metricBuilders(base.metrics.registry);
  gauges.gaugeReading(
    'va_ingest_consent_memory_calls',
    'Calls whose consent change (on any gateway) this gateway remembers, so a resume here cannot widen it',
    () => memory.size(),
  );
  // Above 0, CONSENT_MEMORY_MAX_CALLS is too small: those calls' resumes are no longer checked.
  gauges.gaugeReading(
    'va_ingest_consent_memory_evicted_calls',
    'Consent changes forgotten for room (CONSENT_MEMORY_MAX_CALLS) since the start: resumes of those calls are not checked',
    () => memory.evicted(),
  );
  return { confirm: () => feed.confirm(), narrowed: (tenant, callId) => memory.narrowed(tenant, callId) };
}

/** The Kafka sink with its backpressure watermarks, produce lanes and linger, and its gauges. */
function createWatchedSink(config: GatewayConfig, base: ServiceBase): KafkaSink {
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
  return sink;
}

/** Starts the configured adapters in order (L16 WebSocket, Twilio, AudioHook); startGateway stops them. */
async function startAdapters(config: GatewayConfig, base: ServiceBase, intake: Intake): Promise<Adapters> {
  const l16ws = config.l16ws
    ? await startL16WsServer({
        ...config.l16ws,
        ...intake,
        reconnectGraceMs: config.reconnectGraceMs,
        adapterMetrics: createL16WsMetrics(base.metrics),
      })
    : null;
  const twilio = config.twilio
    ? await startTwilioServer({
        ...intake,
        config: config.twilio,
        reconnectGraceMs: config.reconnectGraceMs,
        twilioMetrics: createTwilioMetrics(base.metrics.registry),
      })
    : null;
  const audiohook = config.audiohook
    ? await startAudioHookServer({
        ...intake,
        config: config.audiohook,
        adapterMetrics: createAudioHookMetrics(base.metrics),
      })
    : null;
  return { l16ws, twilio, audiohook };
}

/**
 * The certificate the listeners serve, following renewals of its files, and its expiry as a gauge
 * (va_tls_certificate_expiry_timestamp_seconds: alert on it before the date). Null = plaintext.
 */
function tlsIdentityOf(config: GatewayConfig, base: ServiceBase): TlsIdentity | null {
  if (!config.tls) return null;
  const identity = watchTlsIdentity(config.tls, config.tls, {
    intervalMs: config.tls.reloadIntervalMs,
    onProblem: (problem) => base.logger.error(problem, { code: 'TLS_RELOAD_FAILED' }),
    refuse: config.tls.refusePublished ? publishedPairProblems : undefined,
  });
  const expiry = new Gauge({
    name: 'va_tls_certificate_expiry_timestamp_seconds',
    help: 'End of validity of the certificate the gateway serves (Unix seconds); follows renewals',
    registers: [base.metrics.registry],
  });
  expiry.set(identity.notAfterMs() / 1000);
  identity.onChange(() => {
    expiry.set(identity.notAfterMs() / 1000);
    base.logger.info('TLS certificate renewed', { notAfter: new Date(identity.notAfterMs()).toISOString() });
  });
  base.shutdown.addFinal('tls-watch', () => identity.stop());
  return identity;
}
