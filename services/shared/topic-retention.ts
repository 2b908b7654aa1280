// Topics that already existed keeping records longer than this service is configured to
// (AUDIO_RETENTION_MS, EVENT_RETENTION_MS): provisioning creates a missing topic with those values
// but leaves an existing one as it is (made by hand, by the broker's auto-creation, or under an
// older setting), and audio that should only transit sat for the broker's default 7 days without
// a word (data protection review). Kubernetes sets retention in the KafkaTopic resources
// (deploy/k8s/strimzi/topics.yaml); a user without DescribeConfigs there gets no answer, and the
// check is skipped. I/O: Kafka admin (DescribeConfigs).
import type { Admin, ConfigResourceTypes, ITopicConfig } from 'kafkajs';
import { errorText } from './error-text.ts';
import type { Logger } from './logger.ts';
import { TOPICS } from './topics.ts';

export interface LongerRetention {
  topic: string;
  /** The topic's retention.ms (-1: kept for ever). */
  retentionMs: number;
  /** What this service would have created it with. */
  configuredMs: number;
}

/**
 * ConfigResourceTypes.TOPIC. kafkajs is CommonJS, and Node finds only the named exports its
 * lexer can read: importing the enum itself stopped every service at start under plain node.
 */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** The retention.ms a topic config asks for (NaN when it names none). */
const retentionOf = (entries: readonly { name: string; value: string }[] = []) =>
  Number(entries.find((e) => e.name === 'retention.ms')?.value ?? NaN);

/** The topics among `configs` whose retention.ms is longer than their config's (or unlimited). */
export async function longerRetention(
  admin: Admin,
  configs: readonly ITopicConfig[],
): Promise<LongerRetention[]> {
  const longer: LongerRetention[] = [];
  // One request per topic: kafkajs throws when any resource of a reply has an error, so one topic
  // this user may not describe hid the others (the audio topic with them).
  for (const config of configs) {
    let entries;
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: TOPIC_RESOURCE, name: config.topic, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      entries = described.resources[0]?.configEntries ?? [];
    } catch {
      continue; // not allowed to look (no DescribeConfigs ACL) or gone meanwhile
    }
    const actual = Number(entries.find((e) => e.configName === 'retention.ms')?.configValue ?? NaN);
    const configured = retentionOf(config.configEntries);
    if (!Number.isFinite(actual) || !Number.isFinite(configured)) continue;
    if (actual === -1 || actual > configured)
      longer.push({ topic: config.topic, retentionMs: actual, configuredMs: configured });
  }
  return longer;
}

/**
 * One warning per topic that keeps records longer than configured, naming the setting and how to
 * fix it; a check that fails (the broker, an ACL) is a debug line: the service starts either way.
 */
export async function warnOfLongerRetention(
  admin: Admin,
  configs: readonly ITopicConfig[],
  audioTopic: string = TOPICS.audio,
  logger: Logger,
  loginFailuresTopic: string = TOPICS.loginFailures,
): Promise<void> {
  let longer: LongerRetention[];
  try {
    longer = await longerRetention(admin, configs);
  } catch (error) {
    logger.debug('topic retention not checked', { error: errorText(error) });
    return;
  }
  for (const { topic, retentionMs, configuredMs } of longer)
    logger.warn('topic keeps records longer than configured', {
      topic,
      retentionMs,
      configuredMs,
      setting:
        topic === audioTopic
          ? 'AUDIO_RETENTION_MS'
          : topic === loginFailuresTopic
            ? 'LOGIN_MAX_LOCK_MS (1 h at least)'
            : 'EVENT_RETENTION_MS',
      fix: `kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config retention.ms=${configuredMs} (or the KafkaTopic's retention.ms)`,
    });
}
