// How many copies of each topic the brokers keep, decided once from the run mode: production
// defaults to replication factor 3 with min.insync.replicas 2 (one broker may die without losing an
// acknowledged record: producers use acks=all) and refuses fewer copies unless the operator says so
// (TOPIC_ALLOW_LOW_REPLICATION=true); development keeps 1 for the single local broker. Pure.
import { ConfigError } from './config.ts';
import type { RunMode } from './run-mode.ts';

export interface TopicReplication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** The variables as loadConfig parsed them (commonEnv): unset numbers are undefined. */
export interface TopicReplicationVars {
  TOPIC_REPLICATION_FACTOR?: number;
  TOPIC_MIN_INSYNC_REPLICAS?: number;
  TOPIC_ALLOW_LOW_REPLICATION: boolean;
}

export const PRODUCTION_REPLICATION: TopicReplication = { replicationFactor: 3, minInsyncReplicas: 2 };
export const DEVELOPMENT_REPLICATION: TopicReplication = { replicationFactor: 1, minInsyncReplicas: 1 };

const OVERRIDE = 'set TOPIC_ALLOW_LOW_REPLICATION=true to accept losing records when one broker fails';

/**
 * The replication of the topics a service creates, and the problems that make it refuse to start
 * (each "NAME: reason"); the caller adds them to its other configuration problems.
 */
export function resolveTopicReplication(
  vars: TopicReplicationVars,
  mode: RunMode,
): { replication: TopicReplication; problems: string[] } {
  const defaults = mode === 'production' ? PRODUCTION_REPLICATION : DEVELOPMENT_REPLICATION;
  const replicationFactor = vars.TOPIC_REPLICATION_FACTOR ?? defaults.replicationFactor;
  // An explicit factor without an explicit ISR: one copy may be missing, but at least one must be in sync.
  const minInsyncReplicas =
    vars.TOPIC_MIN_INSYNC_REPLICAS ??
    (vars.TOPIC_REPLICATION_FACTOR === undefined
      ? defaults.minInsyncReplicas
      : Math.max(1, Math.min(PRODUCTION_REPLICATION.minInsyncReplicas, replicationFactor - 1)));
  const problems: string[] = [];
  if (minInsyncReplicas > replicationFactor) {
    problems.push(
      `TOPIC_MIN_INSYNC_REPLICAS: must not exceed TOPIC_REPLICATION_FACTOR (${replicationFactor}): ` +
        `no write could be acknowledged (got ${minInsyncReplicas})`,
    );
  }
  if (mode === 'production' && !vars.TOPIC_ALLOW_LOW_REPLICATION) {
    if (replicationFactor < PRODUCTION_REPLICATION.replicationFactor)
      problems.push(
        `TOPIC_REPLICATION_FACTOR: must be at least ${PRODUCTION_REPLICATION.replicationFactor} in ` +
          `production, or ${OVERRIDE} (got ${replicationFactor})`,
      );
    if (minInsyncReplicas < PRODUCTION_REPLICATION.minInsyncReplicas)
      problems.push(
        `TOPIC_MIN_INSYNC_REPLICAS: must be at least ${PRODUCTION_REPLICATION.minInsyncReplicas} in ` +
          `production, or ${OVERRIDE} (got ${minInsyncReplicas})`,
      );
  }
  return { replication: { replicationFactor, minInsyncReplicas }, problems };
}

/** resolveTopicReplication for services with no other run-mode checks: throws ConfigError. */
export function topicReplicationOf(vars: TopicReplicationVars, mode: RunMode): TopicReplication {
  const { replication, problems } = resolveTopicReplication(vars, mode);
  if (problems.length > 0) throw new ConfigError(problems);
  return replication;
}
