// A dsp-worker, in process against the real broker, whose host clock steps a minute forward (an
// NTP correction) while it holds a live call. Its idle sweep (CALL_IDLE_TIMEOUT_MS) timed calls on
// the wall clock, so the step alone flushed and freed every live call it held: their partial
// windows went out as if the calls had gone silent, and their next audio started them again. The
// sweep now runs on the monotonic clock. The step is the worker's alone (its `now`): the process's
// Kafka client keeps the real clock, so a consumer rejoin cannot stand in for the flush.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDspWorker } from '../../../services/dsp-worker/worker.ts';
import { callKey } from '../../../services/shared/call-key.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { idempotentProducer } from '../ingest/helpers.ts';
import { dspWorkerTopics, testAudioChunk } from '../../support/dsp-worker-input.ts';

const audioMessage = (channel: 'agent' | 'customer', index: number, receivedAtMs: number) => ({
  key: 't/c1',
  value: audioChunkCodec.encode(testAudioChunk('c1', channel, index, receivedAtMs)),
  headers: audioChunkCodec.headers(),
});

describe('a dsp-worker whose host clock steps forward', () => {
  it('keeps the live calls it holds', async () => {
    let stepMs = 0;
    const { kafka, topics, config } = await dspWorkerTopics('t.clk', { CALL_IDLE_TIMEOUT_MS: '2000' });
    const worker = await startDspWorker(config, {
      handleSignals: false,
      logger: createLogger({ service: 'dsp-worker', level: 'error' }),
      now: () => Date.now() + stepMs,
    });
    onTestFinished(() => worker.stop('test finished'));
    await waitFor('the worker to join', () => worker.runner.ready(), 60_000, 50);
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    const at = Date.now();
    await producer.send({
      topic: topics.audio,
      messages: Array.from({ length: 20 }, (_, i) => i).flatMap((i) =>
        (['agent', 'customer'] as const).map((channel) => audioMessage(channel, i, at + i * 100)),
      ),
    });
    const key = callKey('t', 'c1');
    // Every chunk handled (none left to refresh the call after the step).
    const consumed = async (): Promise<number> =>
      (await worker.base.metrics.recordsIn.get()).values
        .filter((v) => v.labels.topic === topics.audio)
        .reduce((sum, v) => sum + v.value, 0);
    await waitFor('the worker to handle the call', async () => (await consumed()) === 40, 30_000, 20);
    expect(worker.states.has(key)).toBe(true);
    stepMs = 60_000;
    // Three sweeps (every 500 ms), well inside the 2 s timeout in real time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const freed = await worker.base.metrics.registry.getSingleMetric('va_dsp_calls_freed_total')?.get();
    expect(freed?.values.filter((v) => v.labels.reason === 'idle' && v.value > 0)).toEqual([]);
    expect(worker.states.has(key)).toBe(true);
  }, 90_000);
});
