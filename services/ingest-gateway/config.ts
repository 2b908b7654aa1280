// The ingest gateway's options, validated from the environment (see the README's configuration
// table). I/O: reads the token and TLS files the variables name.
import { z } from 'zod';
import {
  boolVar,
  collectProblems,
  commonEnv,
  ConfigError,
  intVar,
  loadConfig,
  readConfigFile,
  topicVar,
} from '../shared/config.ts';
import { runModeOf } from '../shared/run-mode.ts';
import { publishedTlsProblems, secretProblems } from '../shared/secret-policy.ts';
import { resolveTopicReplication } from '../shared/topic-replication.ts';
import type { CommonConfig } from '../shared/service-base.ts';
import { TOPICS } from '../shared/topics.ts';
import { loadAudioHookConfig, type AudioHookConfig } from './audiohook/config.ts';
import { parseTenantTokenLists, TOKENS_PER_TENANT } from './auth.ts';
import type { AudioPartitioner } from './balanced-partitioner.ts';
import { DEVELOPMENT_CUSTOMER_REF_KEY } from './customer-ref.ts';
import { parseCustomerRefKeys, type CustomerRefKeys } from './customer-ref-keys.ts';
import type { SessionSettings } from './call-session.ts';
import { loadL16WsConfig, type L16WsConfig } from './l16ws/config.ts';
import { parseTenantQuotas, type TenantQuotas } from './tenant-quotas.ts';
import { tlsPairProblems, type TlsFiles, type TlsPair } from './tls-identity.ts';
import { loadTwilioConfig, type TwilioConfig } from './twilio-config.ts';

export const gatewayEnv = z.object({
  ...commonEnv,
  GRPC_HOST: z.string().min(1, { error: 'must not be empty (0.0.0.0: every interface)' }).default('0.0.0.0'),
  /** 0 = any free port (tests). */
  GRPC_PORT: intVar({ min: 0, max: 65535, def: 50051 }),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** How often the TLS files are checked for a renewed certificate (tls-identity.ts). */
  TLS_RELOAD_INTERVAL_MS: intVar({ min: 100, max: 3_600_000, def: 60_000 }),
  /** Production refuses a gateway without TLS unless this says TLS ends before it (a proxy, a
   * mesh) or the network is private. */
  GRPC_ALLOW_PLAINTEXT: boolVar(false),
  TENANT_TOKENS: z.string().optional(),
  TENANT_TOKENS_FILE: z.string().optional(),
  /** Per-tenant keys of the customer-reference pseudonyms (customer-ref.ts), `tenant=key,…`, and
   * while rotating `tenant:previous=key` (customer-ref-keys.ts). */
  CUSTOMER_REF_KEYS: z.string().optional(),
  CUSTOMER_REF_KEYS_FILE: z.string().optional(),
  /** Batching may add at most this much delay to a frame (at most 100 ms). The maximum by
   * default: fewer, larger records cost less CPU in every stage (bench:pipeline). */
  BATCH_MAX_DELAY_MS: intVar({ min: 1, max: 100, def: 100 }),
  /** Audio per chunk at most, when frames arrive faster than real time. */
  CHUNK_MAX_MS: intVar({ min: 20, max: 2_000, def: 200 }),
  MAX_FRAME_BYTES: intVar({ min: 160, max: 1_048_576, def: 16_000 }),
  MAX_GAP_FILL_MS: intVar({ min: 0, max: 60_000, def: 5_000 }),
  MAX_LIVE_CALLS: intVar({ min: 1, max: 100_000, def: 2_000 }),
  /** Live calls one tenant may hold; TENANT_LIVE_CALL_QUOTAS overrides. */
  MAX_LIVE_CALLS_PER_TENANT: intVar({ min: 1, max: 100_000, def: 1_000 }),
  TENANT_LIVE_CALL_QUOTAS: z.string().optional(),
  IDLE_TIMEOUT_MS: intVar({ min: 100, max: 3_600_000, def: 30_000 }),
  /** A call on hold (CallHold) is not idle, for at most this long (held-timeline.ts); at most a day. */
  HOLD_MAX_MS: intVar({ min: 100, max: 86_400_000, def: 3_600_000 }),
  /** An authenticated stream must send CallStart within this time. */
  CALL_START_TIMEOUT_MS: intVar({ min: 100, max: 600_000, def: 10_000 }),
  /** gRPC streams waiting for their CallStart, in all and per tenant (grpc-server.ts, waiting-streams.ts). */
  GRPC_MAX_WAITING: intVar({ min: 1, max: 1_000_000, def: 1_000 }),
  GRPC_MAX_WAITING_PER_TENANT: intVar({ min: 1, max: 1_000_000, def: 100 }),
  /** A gRPC connection with no stream this long is closed (GOAWAY; clients reconnect by themselves). */
  GRPC_MAX_CONNECTION_IDLE_MS: intVar({ min: 100, max: 86_400_000, def: 300_000 }),
  /** A call's audio may arrive at most this many times faster than real time (0 = no limit:
   * benchmarks and tests that replay recordings), plus STREAM_BURST_MS. */
  MAX_STREAM_SPEED: intVar({ min: 0, max: 1_000, def: 2 }),
  STREAM_BURST_MS: intVar({ min: 0, max: 600_000, def: 5_000 }),
  /** A WebSocket adapter's call whose socket drops without ending it (no Twilio `stop`, no close
   * frame) stays live this long for the platform to reconnect and continue it; 0 = ends at once. */
  RECONNECT_GRACE_MS: intVar({ min: 0, max: 60_000, def: 5_000 }),
  /** How long every gateway remembers a call's consent change (any gateway's, consent-memory.ts) and
   * how far back a start re-reads them: at least the longest call; 0 = off (own dropped streams only). */
  CONSENT_MEMORY_MS: intVar({ min: 0, max: 7 * 86_400_000, def: 86_400_000 }),
  CONSENT_MEMORY_MAX_CALLS: intVar({ min: 1, max: 10_000_000, def: 100_000 }),
  /** How long a CallStart with analytics may wait for the consent changes before it (then CONSENT_UNCONFIRMED). */
  CONSENT_CHECK_MAX_MS: intVar({ min: 100, max: 60_000, def: 3_000 }),
  /** Each process reads the consent changes in a group of its own, `<prefix>-<random id>`. */
  CONSENT_GROUP_PREFIX: z.string().min(1).default('va-ingest-consent'),
  ACK_EVERY_FRAMES: intVar({ min: 1, max: 100_000, def: 50 }),
  /** Pause streams while more than this many bytes wait for Kafka. */
  BACKPRESSURE_HIGH_BYTES: intVar({ min: 1024, max: 1024 * 1024 * 1024, def: 8 * 1024 * 1024 }),
  /** Concurrent produce requests; one call's records always share one, so they stay in order.
   * One by default: everything queued meanwhile goes in the next request (fewest requests). */
  PRODUCE_LANES: intVar({ min: 1, max: 64, def: 1 }),
  /** An idle lane waits this long for more chunks before sending (the Kafka producer's linger.ms):
   * at 100 calls, fewer produce requests, each waking the followers and consumers of 3 brokers. */
  PRODUCE_LINGER_MS: intVar({ min: 0, max: 100, def: 10 }),
  /** New calls are refused (UNAVAILABLE + retry delay) once Kafka has not acknowledged for this long. */
  BROKER_SHED_AFTER_MS: intVar({ min: 100, max: 600_000, def: 5_000 }),
  /** Live calls held through a Kafka stall are ended (UNAVAILABLE + retry delay) after this long:
   * longer than a broker failover (KRaft fences a lost broker after 9 s, then elects leaders). */
  BROKER_HOLD_MAX_MS: intVar({ min: 1_000, max: 600_000, def: 20_000 }),
  /**
   * How long a stop (SIGTERM) keeps flushing accepted audio to Kafka: most of the orchestrator's
   * grace period (60 s in deploy/k8s). Audio still held after it is lost, logged, exit 1.
   */
  SHUTDOWN_FLUSH_MS: intVar({ min: 1_000, max: 600_000, def: 45_000 }),
  /**
   * How long a stop (SIGTERM) lets the WebSocket adapters' live calls go on before it ends them
   * (drain.ts): their platforms do not move a call to another gateway. 10 minutes: a contact
   * centre call lasts 4–8 minutes on average, so nearly every call live at the signal ends by
   * itself meanwhile; at most an hour. 0 = no drain (the calls end at the signal).
   */
  DRAIN_MAX_MS: intVar({ min: 0, max: 3_600_000, def: 600_000 }),
  /** The retry delay the refused clients are told (gRPC trailer grpc-retry-pushback-ms). */
  RETRY_PUSHBACK_MS: intVar({ min: 0, max: 600_000, def: 5_000 }),
  /** `balanced`: a new call's audio goes to the partition with the fewest of this gateway's live
   * calls (audio-placement.ts), so dsp-workers get even work; `hash`: the key's murmur2 hash. */
  AUDIO_PARTITIONER: z.enum(['balanced', 'hash']).default('balanced'),
  AUDIO_TOPIC: topicVar(TOPICS.audio),
  CALLS_TOPIC: topicVar(TOPICS.calls),
});

export interface GatewayConfig {
  common: CommonConfig;
  grpcHost: string;
  grpcPort: number;
  /** The certificate and key at start, their files (watched for renewals) and how often. */
  /** refusePublished: production, where a renewal to the repository's test pair is not used either. */
  tls: (TlsPair & TlsFiles & { reloadIntervalMs: number; refusePublished: boolean }) | null;
  /** Each tenant's stream tokens: one, or two while rotating (TOKENS_PER_TENANT). */
  tenantTokens: Map<string, string[]>;
  settings: SessionSettings;
  idleTimeoutMs: number;
  /** How long the WebSocket adapters keep a dropped call for a reconnect (reconnect-grace.ts). */
  reconnectGraceMs: number;
  /** The consent changes of every gateway (consent-feed.ts); memoryMs 0 = not read. */
  consentChanges: { memoryMs: number; maxCalls: number; checkMaxMs: number; groupPrefix: string };
  maxLiveCalls: number;
  /** gRPC streams waiting for their CallStart: at most this many, in all and per tenant. */
  maxWaitingStreams: { total: number; perTenant: number };
  /** gRPC connections without a stream are closed after this long (grpc-server.ts). */
  maxConnectionIdleMs: number;
  tenantQuotas: TenantQuotas;
  backpressureHighBytes: number;
  produceLanes: number;
  /** How a call's audio records pick their partition (balanced-partitioner.ts). */
  audioPartitioner: AudioPartitioner;
  produceLingerMs: number;
  /** The L16-over-WebSocket adapter (jambonz, FreeSWITCH); null = off (L16WS_PORT unset). */
  l16ws: L16WsConfig | null;
  /** The Twilio Media Streams adapter (twilio-config.ts); null = off. */
  twilio: TwilioConfig | null;
  /** The Genesys Cloud AudioHook adapter (audiohook/config.ts); null = off (AUDIOHOOK_PORT unset). */
  audiohook: AudioHookConfig | null;
  /** Said once at start: e.g. plaintext gRPC allowed in production. */
  warnings: string[];
  /** How long a stop keeps flushing accepted audio (SHUTDOWN_FLUSH_MS). */
  shutdownFlushMs: number;
  /** How long a stop lets the WebSocket adapters' live calls end by themselves (DRAIN_MAX_MS; 0 = not at all). */
  drainMaxMs: number;
}

type GatewayEnv = z.infer<typeof gatewayEnv>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const c = loadConfig(gatewayEnv, env);
  // Every problem in one line: each stage's are collected before anything is thrown.
  const problems: string[] = [];
  if (Boolean(c.TLS_CERT_FILE) !== Boolean(c.TLS_KEY_FILE))
    problems.push('TLS_CERT_FILE, TLS_KEY_FILE: set both (TLS) or neither (plaintext)');
  // A hold shorter than the idle timeout would end a frameless hold before a silent stream off
  // hold is ended: the hold limit is there to bound a longer silence, not to shorten it.
  if (c.HOLD_MAX_MS < c.IDLE_TIMEOUT_MS)
    problems.push(
      `HOLD_MAX_MS: ${c.HOLD_MAX_MS} is below IDLE_TIMEOUT_MS (${c.IDLE_TIMEOUT_MS}): a call on hold may stay silent at least as long as one off hold`,
    );
  const before = problems.length;
  /** Each token's entry number as written (a rotation's second token of a tenant comes later). */
  const entryOf = new Map<string, number>();
  const tenantTokens = collectProblems(
    problems,
    () => tenantTokensOf(c, entryOf),
    new Map<string, string[]>(),
  );
  // Without the tenants, the stages that name tenants would each report "no such tenant": their
  // other problems are kept, those are not.
  const tenantsKnown = problems.length === before;
  const noTenantProblem = /tenant token/;
  const runMode = runModeOf(env);
  const production = runMode === 'production';
  const plaintext = !c.TLS_CERT_FILE;
  const tenants = [...tenantTokens.keys()];
  const ifTenants = <T>(stage: () => T): T | null => {
    if (tenantsKnown) return collectProblems<T | null>(problems, stage, null);
    const own: string[] = [];
    collectProblems<T | null>(own, stage, null);
    problems.push(...own.filter((p) => !noTenantProblem.test(p)));
    return null;
  };
  const twilio = ifTenants(() => loadTwilioConfig(env, tenants, production));
  if (production) problems.push(...productionSecretProblems(env, c, entryOf, twilio));
  const customerRefKeys =
    ifTenants(() => customerRefKeysOf(c, tenantTokens, production, problems)) ??
    new Map<string, CustomerRefKeys>();
  const topics = resolveTopicReplication(c, runMode);
  problems.push(...topics.problems);
  const tls = collectProblems(problems, () => tlsOf(c, problems, production), null);
  const l16ws = ifTenants(() => loadL16WsConfig(env, production, tenants));
  const audiohook = ifTenants(() => loadAudioHookConfig(env, tenants, production));
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    common: { ...c, topicReplication: topics.replication },
    grpcHost: c.GRPC_HOST,
    grpcPort: c.GRPC_PORT,
    tls,
    tenantTokens,
    settings: sessionSettingsOf(c, customerRefKeys),
    idleTimeoutMs: c.IDLE_TIMEOUT_MS,
    shutdownFlushMs: c.SHUTDOWN_FLUSH_MS,
    drainMaxMs: c.DRAIN_MAX_MS,
    reconnectGraceMs: c.RECONNECT_GRACE_MS,
    consentChanges: {
      memoryMs: c.CONSENT_MEMORY_MS,
      maxCalls: c.CONSENT_MEMORY_MAX_CALLS,
      checkMaxMs: c.CONSENT_CHECK_MAX_MS,
      groupPrefix: c.CONSENT_GROUP_PREFIX,
    },
    maxLiveCalls: c.MAX_LIVE_CALLS,
    maxWaitingStreams: { total: c.GRPC_MAX_WAITING, perTenant: c.GRPC_MAX_WAITING_PER_TENANT },
    maxConnectionIdleMs: c.GRPC_MAX_CONNECTION_IDLE_MS,
    tenantQuotas: parseTenantQuotas(c.TENANT_LIVE_CALL_QUOTAS, c.MAX_LIVE_CALLS_PER_TENANT, [
      ...tenantTokens.keys(),
    ]),
    backpressureHighBytes: c.BACKPRESSURE_HIGH_BYTES,
    produceLanes: c.PRODUCE_LANES,
    audioPartitioner: c.AUDIO_PARTITIONER,
    produceLingerMs: c.PRODUCE_LINGER_MS,
    l16ws,
    twilio,
    audiohook,
    // Without TLS files every listener is plaintext: the WebSocket adapters' ws:// too.
    warnings:
      production && plaintext
        ? [
            `plaintext allowed by GRPC_ALLOW_PLAINTEXT=true: gRPC${l16ws ? ', L16 WebSocket (ws://)' : ''}${twilio ? ', Twilio Media Streams (ws://)' : ''}${audiohook ? ', AudioHook (ws://)' : ''}`,
          ]
        : [],
  };
}

/** Every tenant's stream token, from TENANT_TOKENS_FILE or else TENANT_TOKENS; one is required. */
function tenantTokensOf(c: GatewayEnv, entryOf: Map<string, number>): Map<string, string[]> {
  // Both set: the file had won without a word, and the tokens in the environment were ignored.
  if (c.TENANT_TOKENS_FILE && c.TENANT_TOKENS)
    throw new ConfigError(['TENANT_TOKENS, TENANT_TOKENS_FILE: set one, not both']);
  if (c.TENANT_TOKENS_FILE) {
    return parseTenantTokenLists(
      readConfigFile('TENANT_TOKENS_FILE', c.TENANT_TOKENS_FILE),
      'TENANT_TOKENS_FILE',
      'token',
      TOKENS_PER_TENANT,
      entryOf,
    );
  }
  if (c.TENANT_TOKENS)
    return parseTenantTokenLists(c.TENANT_TOKENS, 'TENANT_TOKENS', 'token', TOKENS_PER_TENANT, entryOf);
  throw new ConfigError(['TENANT_TOKENS: set it ("tenant=token,…") or TENANT_TOKENS_FILE (got unset)']);
}

/** What production refuses: weak Twilio auth tokens or tenant tokens, and gRPC in clear. */
function productionSecretProblems(
  env: Record<string, string | undefined>,
  c: GatewayEnv,
  entryOf: ReadonlyMap<string, number>,
  twilio: TwilioConfig | null,
): string[] {
  const problems: string[] = [];
  if (twilio) {
    // An auth token lets anyone stream calls as its tenant: held to the tenant tokens' bar.
    const variable = env.TWILIO_ACCOUNTS_FILE ? 'TWILIO_ACCOUNTS_FILE' : 'TWILIO_ACCOUNTS';
    for (const [sid, account] of twilio.accounts)
      problems.push(...secretProblems(variable, account.authToken, `auth token of account ${sid}`));
  }
  // Tenant tokens are bearer secrets: in production as long and unguessable as the JWT keys.
  const variable = c.TENANT_TOKENS_FILE ? 'TENANT_TOKENS_FILE' : 'TENANT_TOKENS';
  for (const [token, entry] of entryOf)
    problems.push(...secretProblems(variable, token, `token of entry ${entry}`));
  // Tokens and call audio must not cross a network in clear.
  if (!c.TLS_CERT_FILE && !c.GRPC_ALLOW_PLAINTEXT) {
    problems.push(
      'TLS_CERT_FILE, TLS_KEY_FILE: production needs TLS on gRPC, or GRPC_ALLOW_PLAINTEXT=true ' +
        'where TLS ends before the gateway or the network is private',
    );
  }
  return problems;
}

/** The gRPC and WebSocket listeners' certificate and key, read from their files; null = plaintext. */
/**
 * The TLS files, parsed here so a bad one is a CONFIG_INVALID naming its variable: gRPC's own
 * error on a non-PEM key read "cannot listen … (in use?)" after the topics were made.
 */
function tlsOf(c: GatewayEnv, problems: string[], production: boolean): GatewayConfig['tls'] {
  if (!c.TLS_CERT_FILE || !c.TLS_KEY_FILE) return null;
  const certChain = Buffer.from(readConfigFile('TLS_CERT_FILE', c.TLS_CERT_FILE));
  const privateKey = Buffer.from(readConfigFile('TLS_KEY_FILE', c.TLS_KEY_FILE));
  problems.push(...tlsPairProblems({ certChain, privateKey }));
  if (production) problems.push(...publishedPairProblems({ certChain, privateKey }));
  return {
    certChain,
    privateKey,
    certFile: c.TLS_CERT_FILE,
    keyFile: c.TLS_KEY_FILE,
    reloadIntervalMs: c.TLS_RELOAD_INTERVAL_MS,
    refusePublished: production,
  };
}

/** The repository's test pair: its private key is public (secret-policy.ts). At start and renewal. */
export function publishedPairProblems(pair: TlsPair): string[] {
  return [
    ...publishedTlsProblems('TLS_CERT_FILE', pair.certChain),
    ...publishedTlsProblems('TLS_KEY_FILE', pair.privateKey),
  ];
}

/** What every call session obeys, whichever intake carried it. */
function sessionSettingsOf(
  c: GatewayEnv,
  customerRefKeys: ReadonlyMap<string, CustomerRefKeys>,
): SessionSettings {
  return {
    customerRefKeys,
    maxFrameBytes: c.MAX_FRAME_BYTES,
    batchMaxDelayMs: c.BATCH_MAX_DELAY_MS,
    maxChunkMs: c.CHUNK_MAX_MS,
    maxGapFillMs: c.MAX_GAP_FILL_MS,
    maxHoldMs: c.HOLD_MAX_MS,
    ackEveryFrames: c.ACK_EVERY_FRAMES,
    callStartTimeoutMs: c.CALL_START_TIMEOUT_MS,
    pace: { maxSpeed: c.MAX_STREAM_SPEED, burstMs: c.STREAM_BURST_MS },
    topics: { audio: c.AUDIO_TOPIC, calls: c.CALLS_TOPIC },
    brokerOutage: {
      shedAfterMs: c.BROKER_SHED_AFTER_MS,
      holdMaxMs: c.BROKER_HOLD_MAX_MS,
      retryPushbackMs: c.RETRY_PUSHBACK_MS,
    },
  };
}

/**
 * The keys of every tenant's customer-reference pseudonyms (customer-ref-keys.ts): the current one
 * and, while rotating, the previous one. Production needs each tenant's own keys, each as strong as
 * a token; development falls back to a published key.
 */
function customerRefKeysOf(
  c: { CUSTOMER_REF_KEYS?: string; CUSTOMER_REF_KEYS_FILE?: string },
  tenantTokens: ReadonlyMap<string, readonly string[]>,
  production: boolean,
  problems: string[],
): Map<string, CustomerRefKeys> {
  const variable = c.CUSTOMER_REF_KEYS_FILE ? 'CUSTOMER_REF_KEYS_FILE' : 'CUSTOMER_REF_KEYS';
  if (c.CUSTOMER_REF_KEYS_FILE && c.CUSTOMER_REF_KEYS) {
    problems.push('CUSTOMER_REF_KEYS, CUSTOMER_REF_KEYS_FILE: set one, not both');
    return new Map();
  }
  const text = c.CUSTOMER_REF_KEYS_FILE
    ? readConfigFile('CUSTOMER_REF_KEYS_FILE', c.CUSTOMER_REF_KEYS_FILE)
    : c.CUSTOMER_REF_KEYS;
  const own = text ? parseCustomerRefKeys(text, variable) : new Map<string, CustomerRefKeys>();
  const keys = new Map<string, CustomerRefKeys>();
  const tokens = new Set([...tenantTokens.values()].flat());
  // Tenants named by their TENANT_TOKENS entry, never by name: an entry written the wrong way
  // round makes the token the "tenant" (a hex token passes the name check).
  [...tenantTokens.keys()].forEach((tenant, i) => {
    const whose = `the tenant of TENANT_TOKENS entry ${i + 1}`;
    const tenantKeys = own.get(tenant);
    if (tenantKeys) {
      keys.set(tenant, tenantKeys);
      // The previous key too: its pseudonyms still travel (on every start of the rotation).
      const named: [string, string | null][] = [
        [`key of ${whose}`, tenantKeys.current],
        [`previous key of ${whose}`, tenantKeys.previous],
      ];
      for (const [what, key] of named) {
        if (key === null) continue;
        if (production) problems.push(...secretProblems(variable, key, what));
        // Whoever holds an ingest token (a telephony platform) could test guessed numbers against
        // pseudonyms made with that same value: a key is never a tenant token.
        if (tokens.has(key))
          problems.push(`${variable}: the ${what} is also a tenant token: use a key of its own`);
      }
    } else if (production) {
      problems.push(`${variable}: no key for ${whose} (customer references are pseudonymised per tenant)`);
    } else {
      keys.set(tenant, { current: DEVELOPMENT_CUSTOMER_REF_KEY, previous: null });
    }
  });
  return keys;
}
