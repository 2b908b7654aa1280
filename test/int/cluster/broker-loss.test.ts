// The live pipeline on a 3-node KRaft cluster (devkit/kafka/local-cluster.ts), its own vitest
// project (`npm run test:cluster`): topics with 3 copies and min.insync.replicas 2; the broker
// leading the calls' audio SIGKILLed mid-call and started again with every window still delivered
// once after dedupe; and a whole-cluster outage where the gateway refuses new calls and ends held
// ones with UNAVAILABLE and a retry delay instead of growing, stays up, and serves again after.
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  CLUSTER_REPLICATION,
  startLocalCluster,
  type LocalCluster,
} from '../../../devkit/kafka/local-cluster.ts';
import { createKafka } from '../../../services/shared/kafka-client.ts';
import { emotionEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { busiestLeader } from '../../../scripts/lib/faults/leaders.ts';
import { collectTopic, toTelephoneCall, type Collected } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  expectedWindowsPerCall,
  startPipeline,
  type RunningPipeline,
} from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import { uniqueName } from '../../support/kafka.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Distinct windows of a call per channel, and whether each channel's indices run 0..n-1. */
function windowsOf(emotions: Collected<EmotionEventRecord>, callId: string) {
  const ids = new Set<string>();
  const indices: Record<string, Set<number>> = { agent: new Set(), customer: new Set() };
  for (const { value } of emotions.records) {
    if (value.callId !== callId) continue;
    ids.add(value.eventId);
    indices[value.channel]?.add(value.windowIndex);
  }
  const gapless = Object.values(indices).every((set) => [...set].every((index) => index < set.size));
  return { distinct: ids.size, gapless };
}

describe('pipeline on a 3-node Kafka cluster', () => {
  let cluster: LocalCluster;
  let kafka: Kafka;
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;

  beforeAll(async () => {
    cluster = await startLocalCluster();
    kafka = createKafka({ clientId: 'cluster-test', brokers: cluster.brokers });
    pipeline = await startPipeline({
      brokers: cluster.brokers,
      replication: CLUSTER_REPLICATION,
      suffix: uniqueName('cluster').replace('.', '-'),
      dspWorkers: 1,
      partitions: 3,
      // Short outage limits, so the outage test takes seconds, not the production 5 s / 20 s.
      extraEnv: {
        'ingest-gateway': {
          BROKER_SHED_AFTER_MS: '1500',
          RETRY_PUSHBACK_MS: '2500',
        },
      },
    });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  }, 300_000);

  afterAll(async () => {
    await emotions?.stop().catch(() => undefined);
    await pipeline?.stop();
    await cluster?.stop();
  });

  it('creates every pipeline topic with 3 replicas and min.insync.replicas 2', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [pipeline.topics.audio] });
      expect(metadata.topics[0].partitions.every((p) => p.replicas.length === 3)).toBe(true);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: pipeline.topics.audio, configNames: ['min.insync.replicas'] }],
      });
      expect(configs.resources[0].configEntries[0].configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('loses no window when the broker leading the audio is SIGKILLed mid-call and restarted', async () => {
    const stereo = syntheticCall(24, 41);
    const calls = [0, 1].map((i) => toTelephoneCall(uniqueName(`loss${i}`), stereo));
    const streams = calls.map((call) =>
      streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, { speed: 1 }),
    );
    await sleep(6_000);
    const nodeId = await busiestLeader(kafka, pipeline.topics.audio);
    const killed = cluster.nodes.find((node) => node.nodeId === nodeId);
    if (!killed) throw new Error(`no node ${nodeId} in the cluster`);
    await killed.kill('SIGKILL');
    await sleep(8_000);
    await killed.restart();
    const results = await Promise.all(streams);
    expect(results.map((r) => [r.code, r.details])).toEqual([
      [0, 'OK'],
      [0, 'OK'],
    ]);
    const expected = expectedWindowsPerCall(stereo);
    for (const call of calls) {
      await waitFor(
        `${expected} windows of ${call.callId}`,
        () => windowsOf(emotions, call.callId).distinct >= expected,
        90_000,
      );
      expect(windowsOf(emotions, call.callId)).toEqual({ distinct: expected, gapless: true });
    }
  });

  it('refuses and ends calls with UNAVAILABLE and a retry delay while the whole cluster is down, then serves again', async () => {
    const stereo = syntheticCall(40, 43);
    const held = streamTelephoneCall(
      pipeline.gatewayAddress,
      pipeline.token,
      toTelephoneCall(uniqueName('held'), stereo),
      {
        speed: 1,
      },
    );
    await sleep(3_000);
    await Promise.all(cluster.nodes.map((node) => node.kill('SIGKILL')));
    await sleep(2_500);
    const refused = await streamTelephoneCall(
      pipeline.gatewayAddress,
      pipeline.token,
      toTelephoneCall(uniqueName('refused'), syntheticCall(4, 44)),
    );
    expect([refused.code, refused.retryPushbackMs]).toEqual([14, 2500]);
    // It answers calls itself in the outage, so it stays in its Service: ready (a not-ready gateway
    // would be taken out, and callers would get connection refused instead of a retry delay).
    const gatewayOps = await pipeline.services['ingest-gateway'].port;
    expect((await fetch(`http://127.0.0.1:${gatewayOps}/readyz`)).status).toBe(200);
    const heldResult = await held;
    expect([heldResult.code, heldResult.retryPushbackMs, heldResult.details]).toEqual([
      14,
      2500,
      expect.stringContaining('BROKER_UNAVAILABLE: the event broker has not acknowledged audio for 2'),
    ]);
    for (const [name, service] of Object.entries(pipeline.services))
      expect(service.child.exitCode, `${name} still running`).toBeNull();
    await Promise.all(cluster.nodes.map((node) => node.restart()));
    // Read by a consumer that joins after the outage. The suite's long-lived reader sat in kafkajs'
    // retry loop of the outage for up to its 30 retries after the brokers were back (it read the
    // windows 18 s after the services had produced them; once, in CI, not within 120 s): that is
    // the test's own client, not the pipeline, whose windows a fresh reader sees within seconds.
    const emotionsAfter = await collectTopic(kafka, pipeline.topics.emotions, (v, h) =>
      emotionEventCodec.decode(v, h),
    );
    onTestFinished(() => emotionsAfter.stop().catch(() => undefined));
    const after = toTelephoneCall(uniqueName('after'), syntheticCall(8, 45));
    // The gateway's held records drain first; then calls are taken again.
    let result = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, after, { speed: 2 });
    for (let attempt = 0; result.code === 14 && attempt < 10; attempt++) {
      await sleep(result.retryPushbackMs ?? 2_500);
      result = await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, after, { speed: 2 });
    }
    expect(result.code).toBe(0);
    const expected = expectedWindowsPerCall(syntheticCall(8, 45));
    await waitFor(
      `${expected} windows after the outage`,
      () => windowsOf(emotionsAfter, after.callId).distinct >= expected,
      120_000,
    );
  });
});
