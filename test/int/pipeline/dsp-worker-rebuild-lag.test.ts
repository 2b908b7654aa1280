// A dsp-worker that takes over a partition (a rebalance: KEDA scaling, a rollout) re-reads ~20 s of
// audio per live call from the held commit to rebuild its analyzers. That audio was handled and its
// windows produced by the previous owner: it is not a backlog, and `va_consumer_lag` is what KEDA's
// backlog trigger reads (deploy/k8s/base/dsp-worker-scaling.yaml; at 250 calls a pod it read ~98 000
// against a target of 10 000 after every rebalance).
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDspWorker, type DspWorker } from '../../../services/dsp-worker/worker.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { audioChunkCodec } from '../../../services/shared/records.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { idempotentProducer } from '../ingest/helpers.ts';
import { dspWorkerTopics, testAudioChunk as chunk } from '../../support/dsp-worker-input.ts';

describe('dsp-worker lag after a rebalance', () => {
  it('does not count the audio it re-reads to rebuild a live call as backlog', async () => {
    const { kafka, topics, config } = await dspWorkerTopics('t.dl');
    const start = async (): Promise<DspWorker> => {
      const worker = await startDspWorker(config, {
        handleSignals: false,
        logger: createLogger({ service: 'dsp-worker', level: 'error' }),
      });
      onTestFinished(() => worker.stop('test finished'));
      await waitFor('the worker to join', () => worker.runner.ready(), 60_000, 50);
      return worker;
    };
    const lagOf = async (worker: DspWorker): Promise<number | null> => {
      const gauge = await worker.base.metrics.consumerLag.get();
      const values = gauge.values.filter((v) => v.labels.topic === topics.audio);
      return values.length === 0 ? null : values.reduce((sum, v) => sum + v.value, 0);
    };
    const producer = await idempotentProducer(kafka);
    onTestFinished(() => producer.disconnect());
    const first = await start();
    // 40 s of a live call (no end), both channels: the previous owner handles all of it.
    const at = Date.now() - 40_000;
    for (let from = 0; from < 400; from += 100) {
      await producer.send({
        topic: topics.audio,
        messages: Array.from({ length: 100 }, (_, i) => from + i).flatMap((i) =>
          (['agent', 'customer'] as const).map((channel) => ({
            key: 't/c1',
            value: audioChunkCodec.encode(chunk('c1', channel, i, at + i * 100)),
            headers: audioChunkCodec.headers(),
          })),
        ),
      });
    }
    await waitFor('the first worker to handle the call', async () => (await lagOf(first)) === 0, 60_000, 50);
    await first.stop('rebalance');
    // Its successor: nothing new arrived, so nothing is waiting.
    const second = await start();
    let highest = 0;
    const sampler = setInterval(() => {
      void lagOf(second).then((lag) => (highest = Math.max(highest, lag ?? 0)));
    }, 2);
    onTestFinished(() => clearInterval(sampler));
    await waitFor('the successor to rebuild', async () => (await lagOf(second)) === 0, 60_000, 20);
    clearInterval(sampler);
    expect(highest).toBe(0);
  }, 120_000);
});
