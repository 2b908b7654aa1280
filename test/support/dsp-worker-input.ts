// What tests that run a dsp-worker in process feed it: its topics on the test broker (one
// partition) with its config, and gateway audio chunks of 100 ms of 8 kHz µ-law (5 frames of
// 20 ms, not silence) stamped as the gateway received them. I/O: topic creation.
import { inject } from 'vitest';
import { loadDspWorkerConfig, type DspWorkerConfig } from '../../services/dsp-worker/config.ts';
import type { AudioChunk } from '../../services/shared/records.ts';
import { createTestTopics, testKafka, uniqueName } from './kafka.ts';

/** Fresh audio, features and dead-letter topics named from `prefix`, and a worker config on them. */
export async function dspWorkerTopics(prefix: string, env: Record<string, string> = {}) {
  const kafka = testKafka();
  const p = uniqueName(prefix);
  const topics = { audio: `${p}.audio`, features: `${p}.features`, deadletter: `${p}.dl` };
  await createTestTopics(kafka, Object.values(topics), 1);
  const config: DspWorkerConfig = loadDspWorkerConfig({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    HTTP_PORT: '0',
    AUDIO_TOPIC: topics.audio,
    FEATURES_TOPIC: topics.features,
    DEADLETTER_TOPIC: topics.deadletter,
    DSP_GROUP_ID: `${p}.group`,
    ...env,
  });
  return { kafka, topics, config };
}

/** Chunk `index` (audio `index` × 100 ms) of call `callId` of tenant `t` on `channel`, received at `at`. */
export const testAudioChunk = (
  callId: string,
  channel: 'agent' | 'customer',
  index: number,
  at: number,
): AudioChunk => ({
  callId,
  channel,
  codec: 'pcmu',
  sampleRateHz: 8000,
  firstSequence: index * 5,
  lastSequence: index * 5 + 4,
  audioStartMs: index * 100,
  audioEndMs: index * 100 + 100,
  payload: new Uint8Array(800).map((_, i) => (i * 37 + index) & 0x7f),
  firstReceivedAtMs: at,
  receivedAtMs: at,
  final: false,
  tenant: 't',
  chunkIndex: index,
});
