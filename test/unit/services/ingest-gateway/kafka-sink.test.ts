// The gateway's Kafka sink with a scripted producer: one request in flight per lane, a call's
// records in order, batches growing while a request is out, an idle lane lingering for more,
// behind/drained signals, failures.
import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { createKafkaSink, type KafkaSinkOptions } from '../../../../services/ingest-gateway/kafka-sink.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import type { OutRecord } from '../../../../services/shared/producer.ts';

function scriptedProducer() {
  const requests: { batch: ProducerBatch; done: (error?: Error) => void }[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise((resolve, reject) =>
        requests.push({ batch, done: (error) => (error ? reject(error) : resolve([])) }),
      ),
  } as unknown as Producer;
  return { producer, requests };
}
const record = (key: string, bytes = 100): OutRecord => ({
  topic: 't',
  message: { key, value: Buffer.alloc(bytes) },
});
const keys = (batch: ProducerBatch) =>
  batch.topicMessages?.flatMap((t) => t.messages.map((m) => m.key)) ?? [];
const logger = createLogger({ service: 'test', write: () => undefined });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
/** A sink over the scripted producer: one lane, 10 kB high water, 5 kB low, unless `extra` says otherwise. */
function scriptedSink(extra: Partial<KafkaSinkOptions> = {}) {
  const { producer, requests } = scriptedProducer();
  const sink = createKafkaSink({
    producer,
    logger,
    highWaterBytes: 10_000,
    lowWaterBytes: 5_000,
    lanes: 1,
    ...extra,
  });
  return { sink, requests };
}
/** What kafkajs throws for a broker error that sending again cannot fix. */
const permanentError = (message: string) =>
  Object.assign(new Error(message), { name: 'KafkaJSProtocolError', retriable: false });

describe('kafka sink', () => {
  it('keeps one request in flight per lane and sends what queued meanwhile next, in order', async () => {
    const { sink, requests } = scriptedSink();
    const acked: string[] = [];
    for (const key of ['a1', 'a2', 'a3']) void sink.send('a', [record(key)]).then(() => acked.push(key));
    expect(requests).toHaveLength(1);
    expect(keys(requests[0].batch)).toEqual(['a1']);
    requests[0].done();
    await tick();
    expect(acked).toEqual(['a1']);
    expect(keys(requests[1].batch)).toEqual(['a2', 'a3']);
    requests[1].done();
    await sink.idle();
    expect(acked).toEqual(['a1', 'a2', 'a3']);
  });

  it('caps a request at maxBatchBytes, so one fast call stays under the broker batch limit', async () => {
    const { sink, requests } = scriptedSink({
      highWaterBytes: 1_000_000,
      lowWaterBytes: 500_000,
      maxBatchBytes: 1_000,
    });
    for (let i = 0; i < 9; i += 1) void sink.send('a', [record(`a${i}`, 400)]);
    requests[0].done();
    await tick();
    expect(keys(requests[1].batch)).toEqual(['a1', 'a2']);
    requests[1].done();
    await tick();
    expect(keys(requests[2].batch)).toEqual(['a3', 'a4']);
    for (let i = 2; i < 5; i += 1) {
      requests[i].done();
      await tick();
    }
    await sink.idle();
    expect(requests).toHaveLength(5);
  });

  it('lingers on an idle lane, so the chunks of calls arriving meanwhile share one request', async () => {
    const { sink, requests } = scriptedSink({ lingerMs: 30 });
    void sink.send('a', [record('a1')]);
    void sink.send('b', [record('b1')]);
    expect(requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    void sink.send('c', [record('c1')]);
    expect(requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(requests.map((r) => keys(r.batch))).toEqual([['a1', 'b1', 'c1']]);
    // While a request is out, what queues goes as soon as it returns: no second linger.
    void sink.send('a', [record('a2')]);
    requests[0].done();
    await tick();
    expect(requests.map((r) => keys(r.batch))).toEqual([['a1', 'b1', 'c1'], ['a2']]);
    requests[1].done();
    await sink.idle();
  });

  it('sends different calls concurrently on different lanes', () => {
    const { sink, requests } = scriptedSink({ lanes: 8 });
    for (let i = 0; i < 20; i += 1) void sink.send(`call-${i}`, [record(`call-${i}`)]);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.length).toBeLessThanOrEqual(8);
  });

  it('reports behind above the high-water mark and drained below the low one', async () => {
    const { sink, requests } = scriptedSink({ highWaterBytes: 250, lowWaterBytes: 100 });
    void sink.send('a', [record('1', 200)]);
    void sink.send('a', [record('2', 200)]);
    expect(sink.isBehind()).toBe(true);
    let drained = false;
    sink.onceDrained(() => (drained = true));
    requests[0].done();
    await tick();
    expect(drained).toBe(false);
    requests[1].done();
    await tick();
    expect([drained, sink.isBehind(), sink.pendingBytes()]).toEqual([true, false, 0]);
  });

  it('rejects the senders of a failed request and carries on', async () => {
    const { sink, requests } = scriptedSink();
    const failed = sink.send('a', [record('1')]);
    requests[0].done(permanentError('record invalid'));
    await expect(failed).rejects.toThrow('record invalid');
    const next = sink.send('a', [record('2')]);
    requests[1].done();
    await expect(next).resolves.toBeUndefined();
  });

  it('bounds a request by bytes, so a backlog never makes a batch the broker refuses', async () => {
    const { sink, requests } = scriptedSink({
      highWaterBytes: 1 << 30,
      lowWaterBytes: 1 << 29,
      maxBatchBytes: 1_000,
    });
    for (let i = 0; i < 7; i += 1) void sink.send('a', [record(`r${i}`, 300)]);
    expect(keys(requests[0].batch)).toEqual(['r0']);
    requests[0].done();
    await tick();
    // 3 x 300 bytes fit in 1000, the 4th would not; one record alone always goes.
    expect(keys(requests[1].batch)).toEqual(['r1', 'r2', 'r3']);
    requests[1].done();
    await tick();
    expect(keys(requests[2].batch)).toEqual(['r4', 'r5', 'r6']);
  });

  it('keeps a request that failed for a transient reason and sends it again, in order, before newer records', async () => {
    let clock = 1_000;
    const { sink, requests } = scriptedSink({ retryDelayMs: 5, now: () => clock });
    const acked: string[] = [];
    void sink.send('a', [record('a1')]).then(() => acked.push('a1'));
    clock += 4_000;
    void sink.send('a', [record('a2')]).then(() => acked.push('a2'));
    expect(sink.stalledForMs()).toBe(4_000);
    const retriesExceeded = Object.assign(new Error('no leader'), { name: 'KafkaJSNumberOfRetriesExceeded' });
    requests[0].done(retriesExceeded);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Nothing dropped: a1 goes again, with a2 queued behind it, and still counts as waiting.
    expect(keys(requests[1].batch)).toEqual(['a1', 'a2']);
    expect(sink.pendingBytes()).toBe(200);
    expect(sink.stalledForMs()).toBe(4_000);
    requests[1].done();
    await sink.idle();
    expect(acked).toEqual(['a1', 'a2']);
    expect([sink.pendingBytes(), sink.stalledForMs()]).toEqual([0, 0]);
  });

  it('reads a wall clock stepped a minute forward (NTP) as no broker stall', async () => {
    // Before: the stall was timed on Date.now, so the step alone passed BROKER_HOLD_MAX_MS and
    // the gateway's next sweep ended every live call with BROKER_UNAVAILABLE.
    const wall = Date.now();
    let stepMs = 0;
    const hostClock = vi.spyOn(Date, 'now').mockImplementation(() => wall + stepMs);
    try {
      const { sink, requests } = scriptedSink();
      const acked = sink.send('a', [record('a1')]);
      stepMs = 60_000;
      expect(sink.stalledForMs()).toBeLessThan(1_000);
      requests[0].done();
      await acked;
    } finally {
      hostClock.mockRestore();
    }
  });

  it('does not send again what replaying cannot fix (a non-retriable protocol error)', async () => {
    const { sink, requests } = scriptedSink();
    const failed = sink.send('a', [record('1')]);
    requests[0].done(permanentError('too large'));
    await expect(failed).rejects.toThrow('too large');
    expect(requests).toHaveLength(1);
  });
});
