// What every Kafka service starts with, in one call: logger, metrics registry, the ops HTTP
// server (/metrics, /healthz, /readyz), graceful shutdown, a Kafka client, the topics
// provisioned, a connected idempotent producer and a broker probe for /readyz. I/O: TCP listen,
// Kafka admin + producer connections.
import type { ICustomPartitioner, Kafka, Producer } from 'kafkajs';
import { startBrokerProbe } from './broker-probe.ts';
import { createKafka } from './kafka-client.ts';
import { kafkaSecurityOf, type KafkaSecurityResult } from './kafka-security.ts';
import { createLogger, type Logger, type LogLevel } from './logger.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { startOpsServer, type OpsServer } from './http-server.ts';
import { metricBuilders } from './metric-builders.ts';
import { createMessagePlacement, withCompleteSends } from './complete-send.ts';
import { createRenewingProducer } from './renewing-producer.ts';
import { createShutdown, type Shutdown } from './shutdown.ts';
import type { TopicReplication } from './topic-replication.ts';
import { provisionTopics, topicConfigs, TOPICS } from './topics.ts';
import { warnOfLongerRetention } from './topic-retention.ts';
import { misspeltSettings } from './setting-names.ts';

/** The fields of `commonEnv` (config.ts) after loadConfig. */
export interface CommonConfig {
  KAFKA_BROKERS: string[];
  HTTP_PORT: number;
  LOG_LEVEL: LogLevel;
  TOPIC_PARTITIONS: number;
  /** From TOPIC_REPLICATION_FACTOR / TOPIC_MIN_INSYNC_REPLICAS and the run mode (topic-replication.ts). */
  topicReplication: TopicReplication;
  AUDIO_RETENTION_MS: number;
  EVENT_RETENTION_MS: number;
}

export interface ServiceBase {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly ops: OpsServer;
  readonly shutdown: Shutdown;
  readonly kafka: Kafka;
  readonly producer: Producer;
  /**
   * The service's start is complete (consumers joined, ports listening): until then /readyz says
   * "not ready: starting". The ops server listens first (for /healthz and /metrics during a long
   * start), and with no check registered yet it answered "ready" while the broker was unreachable
   * and the service's own port closed: a rollout with a bad KAFKA_BROKERS went on replacing
   * healthy pods.
   */
  markStarted(): void;
}

export interface BootOptions {
  service: string;
  config: CommonConfig;
  /** Topics to create if missing; default: all product topics. */
  topics?: readonly string[];
  /** The name of the audio topic among `topics` (AUDIO_TOPIC): created with the audio's short retention. */
  audioTopic?: string;
  /** The name of the revocations topic among `topics` (REVOCATIONS_TOPIC): kept longer than tokens live. */
  revocationsTopic?: string;
  /**
   * The login attempts topic among `topics` (LOGIN_FAILURES_TOPIC) and its retention, the login
   * limiter's forget window (loginLimitsOf(config).forgetAfterMs).
   */
  loginFailures?: { topic: string; retentionMs: number };
  /** Tests: no signal handlers, no process.exit. */
  handleSignals?: boolean;
  logger?: Logger;
  /** The service's own configuration warnings: logged at start, before the broker is reached. */
  warnings?: readonly string[];
  /** Time between two broker reachability probes of /readyz (default 5 s). */
  brokerProbeIntervalMs?: number;
  /**
   * Whether /readyz follows the broker (default true). The ingest gateway says false: in an outage
   * it answers new calls itself (UNAVAILABLE with a retry delay) and keeps buffering live ones; a
   * not-ready gateway would be taken out of its Service and callers would get connection refused.
   * The call store too: its QA API answers from the database in an outage. Either way
   * `va_kafka_broker_reachable` says whether the broker answers.
   */
  brokerReadiness?: boolean;
  /**
   * Every variable the service reads (setting-names.ts): a variable of the environment that looks
   * like a misspelt one is named in a warning at start. Absent: not checked.
   */
  settings?: ReadonlySet<string>;
  /** TLS / SASL of the Kafka clients; default: from KAFKA_SSL* / KAFKA_SASL* of the environment. */
  kafkaSecurity?: KafkaSecurityResult;
  /** The producer's partitioner; default kafkajs' DefaultPartitioner (murmur2 of the key). */
  createPartitioner?: ICustomPartitioner;
}

/** The topics provisioned and a connected idempotent producer. */
async function connectKafka(
  options: BootOptions,
  kafka: Kafka,
  logger: Logger,
  metrics: ServiceMetrics,
): Promise<Producer> {
  const { config } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const configs = topicConfigs(
      {
        partitions: config.TOPIC_PARTITIONS,
        replicationFactor: config.topicReplication.replicationFactor,
        minInsyncReplicas: config.topicReplication.minInsyncReplicas,
        audioRetentionMs: config.AUDIO_RETENTION_MS,
        eventRetentionMs: config.EVENT_RETENTION_MS,
        loginFailuresRetentionMs: options.loginFailures?.retentionMs,
      },
      options.topics ?? Object.values(TOPICS),
      options.audioTopic,
      options.revocationsTopic,
      options.loginFailures?.topic,
    );
    const created = await provisionTopics(admin, configs);
    if (created.length > 0) logger.info('topics created', { topics: created });
    await warnOfLongerRetention(admin, configs, options.audioTopic, logger, options.loginFailures?.topic);
  } finally {
    await admin.disconnect();
  }

  // Idempotent: a send retried after a lost acknowledgement is written once, not twice (the
  // broker drops the repeat by producer id and sequence). kafkajs keeps that order guarantee only
  // with one request in flight per broker.
  // acks=all is kafkajs' default (acks -1) and what idempotence requires: with min.insync.replicas
  // 2 on a 3-broker cluster, an acknowledged record survives the loss of any one broker.
  // A send resolves only once every partition it wrote to answered (complete-send.ts).
  const placement = createMessagePlacement();
  const producer = withCompleteSends(
    createRenewingProducer(
      () =>
        kafka.producer({
          allowAutoTopicCreation: false,
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: placement.partitioner(options.createPartitioner),
        }),
      logger,
      () => metrics.errors.inc({ code: 'PRODUCER_RENEWED' }),
    ),
    placement,
  );
  await producer.connect();
  return producer;
}

export async function bootService(options: BootOptions): Promise<ServiceBase> {
  const { config, service } = options;
  // First: a bad TLS / SASL setting (or plaintext in production) stops the start (ConfigError).
  const kafkaSecurity = options.kafkaSecurity ?? kafkaSecurityOf(process.env);
  const logger = options.logger ?? createLogger({ service, level: config.LOG_LEVEL });
  for (const warning of [...kafkaSecurity.warnings, ...(options.warnings ?? [])]) logger.warn(warning);
  if (options.settings)
    for (const warning of misspeltSettings(service, options.settings, process.env)) logger.warn(warning);
  const metrics = createServiceMetrics(service);
  const shutdown = createShutdown({ logger, handleSignals: options.handleSignals ?? true });
  const ops = await startOpsServer({ port: config.HTTP_PORT, registry: metrics.registry });
  let started = false;
  ops.addReadiness('starting', () => started);
  const kafka = createKafka({
    clientId: service,
    brokers: config.KAFKA_BROKERS,
    security: kafkaSecurity.security,
    logger,
  });
  // A start that fails (no broker) closes the ops port: a caller that goes on (a test) finds it free.
  const producer = await connectKafka(options, kafka, logger, metrics).catch(async (error: unknown) => {
    await ops.close();
    throw error;
  });
  // Ready while a broker answers; the producer's own DISCONNECT event fires only on disconnect().
  const broker = startBrokerProbe(kafka, { intervalMs: options.brokerProbeIntervalMs, initiallyReady: true });
  if (options.brokerReadiness ?? true) ops.addReadiness('kafka-broker', () => broker.ready());
  // The broker's reachability for dashboards and alerts, also where /readyz does not follow it.
  metricBuilders(metrics.registry).gaugeReading(
    'va_kafka_broker_reachable',
    'Whether the last metadata request to the brokers (every 5 s) was answered: 1 yes, 0 no',
    () => (broker.ready() ? 1 : 0),
  );
  // Not yet "started": the service's own start (database, schema, rules, listener) follows, and
  // may refuse; `service started` comes from markStarted, once it is ready (on call read the first
  // line as a start that then failed).
  logger.info('connected to Kafka', { httpPort: ops.port, brokers: config.KAFKA_BROKERS.length });

  // After the service's own steps (stop intake, finish in-flight, commit): close the clients.
  shutdown.addFinal('broker-probe', () => broker.stop());
  shutdown.addFinal('producer', () => producer.disconnect());
  shutdown.addFinal('ops-server', () => ops.close());
  return {
    logger,
    metrics,
    ops,
    shutdown,
    kafka,
    producer,
    markStarted: () => {
      started = true;
      logger.info('service started', { httpPort: ops.port });
    },
  };
}
