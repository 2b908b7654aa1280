// The product's Kafka topics and their provisioning: created idempotently at service start with
// partitions, replication (factor and min.insync.replicas) and retention from config; existing
// topics are left as they are. I/O: Kafka admin calls through the given admin client.
import type { Admin, ITopicConfig } from 'kafkajs';

export const TOPICS = {
  audio: 'va.audio.v1',
  calls: 'va.calls.v1',
  features: 'va.features.v1',
  emotions: 'va.emotions.v1',
  alerts: 'va.alerts.v1',
  deadletter: 'va.deadletter.v1',
  routing: 'va.routing.v1',
  erasures: 'va.erasures.v1',
  revocations: 'va.revocations.v1',
  loginFailures: 'va.login-failures.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** min.insync.replicas: copies that must hold a record before acks=all acknowledges it. */
  minInsyncReplicas: number;
  /** Audio only transits: short retention by default. */
  audioRetentionMs: number;
  eventRetentionMs: number;
  /**
   * va.login-failures.v1: the login limiter's forget window (loginLimitsOf: 1 h, at least
   * LOGIN_MAX_LOCK_MS); older attempts no longer count, so keeping them longer only keeps digests.
   */
  loginFailuresRetentionMs?: number;
}

export const DEFAULT_TOPIC_SETTINGS: TopicSettings = {
  partitions: 6,
  // Development (one local broker); services decide from the run mode (topic-replication.ts).
  replicationFactor: 1,
  minInsyncReplicas: 1,
  audioRetentionMs: 60 * 60 * 1000,
  eventRetentionMs: 7 * 24 * 60 * 60 * 1000,
};

/**
 * Revoked tokens must be remembered while the tokens live (the 7-day ceiling of every verifier,
 * MAX_TOKEN_LIFETIME_S), whatever EVENT_RETENTION_MS says: a shorter retention would bring a
 * signed-out token back to life at the next start of a service.
 */
export const REVOCATION_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/** The login limiter's default forget window (DEFAULT_LOGIN_LIMITS.forgetAfterMs). */
export const LOGIN_FAILURES_RETENTION_MS = 60 * 60 * 1000;

/**
 * va.login-failures.v1's segments close this often (10 min, or the retention when shorter), so a
 * record is deleted at most this (and the broker's retention check, 5 min) after its retention.
 */
export function loginFailuresSegmentMs(retentionMs: number): number {
  return Math.min(retentionMs, 10 * 60 * 1000);
}

/**
 * `audioTopic` / `revocationsTopic` / `loginFailuresTopic` are the names those topics have where
 * these services run (AUDIO_TOPIC, REVOCATIONS_TOPIC, LOGIN_FAILURES_TOPIC): compared with the default names instead, a renamed audio
 * topic was created with the events' 7 days.
 */
export function topicConfigs(
  settings: TopicSettings,
  names: readonly string[] = Object.values(TOPICS),
  audioTopic: string = TOPICS.audio,
  revocationsTopic: string = TOPICS.revocations,
  loginFailuresTopic: string = TOPICS.loginFailures,
): ITopicConfig[] {
  const retentionOf = (topic: string): number =>
    topic === audioTopic
      ? settings.audioRetentionMs
      : topic === revocationsTopic
        ? Math.max(settings.eventRetentionMs, REVOCATION_RETENTION_MS)
        : topic === loginFailuresTopic
          ? (settings.loginFailuresRetentionMs ?? LOGIN_FAILURES_RETENTION_MS)
          : settings.eventRetentionMs;
  return names.map((topic) => ({
    topic,
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: [
      {
        name: 'retention.ms',
        value: String(retentionOf(topic)),
      },
      { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
      // A time retention deletes closed segments only: with the default segment.ms (7 days) a
      // partition written now and then never closes one, and the login attempts stayed a week.
      ...(topic === loginFailuresTopic
        ? [{ name: 'segment.ms', value: String(loginFailuresSegmentMs(retentionOf(topic))) }]
        : []),
    ],
  }));
}

/**
 * Creates the missing topics and waits for their leaders. Safe to call from every service at
 * start: existing topics are left as they are. Subscribing before a topic exists fails in KRaft.
 */
export async function provisionTopics(admin: Admin, configs: ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = configs.filter((config) => !existing.has(config.topic));
  // Listed is not led: a topic another service created a moment ago (services starting together
  // on a new cluster) may have no leaders yet, and the first offset or metadata request on it
  // failed this service's start.
  if (missing.length === 0) {
    await waitForLeaders(
      admin,
      configs.map((config) => config.topic),
    );
    return [];
  }
  try {
    // Leaders are awaited below: kafkajs' own wait gives up when a loaded broker briefly answers
    // UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (error) {
    // Another service may have created the same topic a moment ago: that is fine.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  }
  await waitForLeaders(
    admin,
    configs.map((config) => config.topic),
  );
  return missing.map((config) => config.topic);
}

/** Polls metadata until every partition of the topics has a leader (or the deadline passes). */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
