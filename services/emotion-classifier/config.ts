// The emotion-classifier's options, validated from the environment. Pure.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { commonEnv, intVar, loadConfig, topicVar } from '../shared/config.ts';
import { runModeOf, type RunMode } from '../shared/run-mode.ts';
import { topicReplicationOf, type TopicReplication } from '../shared/topic-replication.ts';
import { TOPICS } from '../shared/topics.ts';

/** The committed model, relative to this file so the service runs from any working directory. */
export const DEFAULT_MODEL_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../models/emotion-v2.json',
);

export const emotionClassifierEnv = z.object({
  ...commonEnv,
  EMOTION_GROUP_ID: z.string().min(1).default('va-emotion-classifier'),
  FEATURES_TOPIC: topicVar(TOPICS.features),
  EMOTIONS_TOPIC: topicVar(TOPICS.emotions),
  DEADLETTER_TOPIC: topicVar(TOPICS.deadletter),
  EMOTION_MODEL_PATH: z.string().min(1).default(DEFAULT_MODEL_PATH),
  /**
   * Fallback: a speaker with no window for this long is freed (no `final` window came: its worker
   * died, or an older dsp-worker sent none). Normally a speaker is freed at its final window. It
   * must outlast a dsp-worker outage: a live call freed meanwhile learnt its calm-start baseline
   * again mid-call from its next window (at 30 s, a 36 s outage changed 60 of 240 states).
   */
  SPEAKER_IDLE_TIMEOUT_MS: intVar({ min: 100, max: 3_600_000, def: 300_000 }),
  /** Calls held at once; beyond it new calls are dead-lettered (CALL_LIMIT_EXCEEDED). */
  MAX_CALLS: intVar({ min: 1, max: 100_000, def: 5000 }),
  PARTITIONS_CONCURRENTLY: intVar({ min: 1, max: 64, def: 3 }),
  /**
   * The commit waits at the first window of the oldest live call (a restart replays from there
   * and rebuilds the baselines), at most this many records behind per partition.
   */
  COMMIT_HOLD_MAX_RECORDS: intVar({ min: 1, max: 100_000_000, def: 500_000 }),
});

export type EmotionClassifierConfig = z.infer<typeof emotionClassifierEnv> & {
  topicReplication: TopicReplication;
  /** Said once at start. */
  warnings: string[];
};

export const SHIPPED_MODEL_WARNING =
  'the shipped emotion model is trained on corpora under non-commercial terms (NOTICE.md); ' +
  'mount your own with EMOTION_MODEL_PATH';

/**
 * Production running the committed model: by its path (resolved from the working folder, as the
 * file is read), not its content, so a retrained model is never taken for it.
 */
function runsShippedModel(modelPath: string, mode: RunMode): boolean {
  return mode === 'production' && resolve(modelPath) === DEFAULT_MODEL_PATH;
}

export function loadEmotionClassifierConfig(
  env: Record<string, string | undefined> = process.env,
): EmotionClassifierConfig {
  const config = loadConfig(emotionClassifierEnv, env);
  const mode = runModeOf(env);
  return {
    ...config,
    topicReplication: topicReplicationOf(config, mode),
    warnings: runsShippedModel(config.EMOTION_MODEL_PATH, mode) ? [SHIPPED_MODEL_WARNING] : [],
  };
}
