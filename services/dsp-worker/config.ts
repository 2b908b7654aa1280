// The dsp-worker's options, validated from the environment (names carry their units). Pure.
import { z } from 'zod';
import { commonEnv, ConfigError, intVar, loadConfig, topicVar } from '../shared/config.ts';
import { runModeOf } from '../shared/run-mode.ts';
import { topicReplicationOf, type TopicReplication } from '../shared/topic-replication.ts';
import { TOPICS } from '../shared/topics.ts';
import { MAX_FILLED_GAP_MS, MIN_WINDOW_HOP_MS } from '../shared/audio-pace.ts';

export const dspWorkerEnv = z.object({
  ...commonEnv,
  DSP_GROUP_ID: z.string().min(1).default('va-dsp-worker'),
  /** Topic names: overridable so tests and side-by-side deployments can use their own. */
  AUDIO_TOPIC: topicVar(TOPICS.audio),
  FEATURES_TOPIC: topicVar(TOPICS.features),
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
  /** Analysis window and hop of pipelines/dsp (window i covers [i·hop, i·hop + window)). */
  WINDOW_MS: intVar({ min: 200, max: 10_000, def: 2000 }),
  WINDOW_HOP_MS: intVar({ min: MIN_WINDOW_HOP_MS, max: 10_000, def: 1000 }),
  /** A call with no audio for this long (no CallEnd seen) is flushed and freed. */
  CALL_IDLE_TIMEOUT_MS: intVar({ min: 100, max: 3_600_000, def: 30_000 }),
  /** Calls held at once by one worker; beyond it new calls are dead-lettered (CALL_LIMIT_EXCEEDED). */
  MAX_CALLS: intVar({ min: 1, max: 100_000, def: 2000 }),
  /** Longest gap in a channel's audio filled with silence; after a longer jump the call's analysis restarts there. */
  MAX_AUDIO_GAP_MS: intVar({ min: 0, max: MAX_FILLED_GAP_MS, def: 10_000 }),
  /** Partitions processed concurrently by this worker. */
  PARTITIONS_CONCURRENTLY: intVar({ min: 1, max: 64, def: 3 }),
});

export type DspWorkerConfig = z.infer<typeof dspWorkerEnv> & { topicReplication: TopicReplication };

export function loadDspWorkerConfig(env: Record<string, string | undefined> = process.env): DspWorkerConfig {
  const config = loadConfig(dspWorkerEnv, env);
  if (config.WINDOW_HOP_MS > config.WINDOW_MS) {
    throw new ConfigError([`WINDOW_HOP_MS: must not exceed WINDOW_MS (got ${config.WINDOW_HOP_MS})`]);
  }
  return { ...config, topicReplication: topicReplicationOf(config, runModeOf(env)) };
}
