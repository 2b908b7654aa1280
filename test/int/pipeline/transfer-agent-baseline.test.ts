// A transfer to another agent end to end: real gRPC into the ingest gateway, Kafka, the dsp-worker
// and the emotion classifier (child processes). The first agent (nEMO SM0, a man) takes the call's
// first 30 s; the stream is dropped and the call resumed on a new stream with the same call id
// naming a second agent (nEMO IC0, a woman). The agent channel's events after the transfer start
// `uncertain` (the new voice's calm start is learnt, as at a call's start) instead of judging her
// against his voice; the customer's go on judged against their own start, exactly as in the same
// audio streamed as one call with no transfer (the control call, whose agent channel is judged
// against the first voice right after 30 s).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectTopic, metricValue, scrape, type Collected } from '../../../devkit/pipeline/harness.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { emotionEventCodec, type EmotionEventRecord } from '../../../services/shared/records.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { WARMUP_WINDOWS } from '../../../pipelines/emotion/tracker.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';

const FRAME_BYTES = 160; // 20 ms of 8 kHz µ-law
const TRANSFER_AT_MS = 30_000;
const CALL_MS = 60_000;

/** The customer of the calm call throughout; its agent until 30 s, the anxious call's (a woman) after. */
function transferAudio(): { agent: Uint8Array; customer: Uint8Array } {
  const calm = readShippedCall('call-1-calm');
  const second = readShippedCall('call-4-anxious-calms');
  const agent = new Uint8Array(CALL_MS * 8);
  agent.set(calm.agent.subarray(0, TRANSFER_AT_MS * 8), 0);
  agent.set(second.agent.subarray(0, (CALL_MS - TRANSFER_AT_MS) * 8), TRANSFER_AT_MS * 8);
  return { agent, customer: calm.customer.subarray(0, CALL_MS * 8) };
}

/** Frames [fromMs, toMs) of both channels, about 10 × real time. */
async function sendFrames(
  stream: CallStream,
  audio: { agent: Uint8Array; customer: Uint8Array },
  fromMs: number,
  toMs: number,
): Promise<void> {
  for (let seq = fromMs / 20; seq < toMs / 20; seq += 1) {
    const at = seq * FRAME_BYTES;
    for (const [channel, bytes] of [
      ['CHANNEL_AGENT', audio.agent],
      ['CHANNEL_CUSTOMER', audio.customer],
    ] as const)
      await stream.write({
        frame: {
          channel,
          sequence: seq,
          audioTimeMs: seq * 20,
          payload: bytes.subarray(at, at + FRAME_BYTES),
        },
      });
    if (seq % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a transfer to another agent: gRPC → Kafka → dsp-worker → emotion-classifier', () => {
  const kafka = testKafka('transfer-agent-baseline');
  const suffix = uniqueName('xfer').replace('.', '-');
  let pipeline: RunningPipeline;
  let emotions: Collected<EmotionEventRecord>;

  beforeAll(async () => {
    pipeline = await startPipeline({ brokers: inject('kafkaBrokers'), suffix, dspWorkers: 1, partitions: 1 });
    emotions = await collectTopic(kafka, pipeline.topics.emotions, (v, h) => emotionEventCodec.decode(v, h));
  });
  afterAll(async () => {
    await emotions?.stop();
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  const start = (callId: string, agentId: string) => ({
    start: {
      callId,
      agentId,
      queue: 'billing',
      codec: 'CODEC_PCMU' as const,
      sampleRateHz: 8000,
      consent: { analytics: true, storeFeatures: false },
    },
  });

  it('warms the agent channel up again for the new agent and keeps the customer’s baseline', async () => {
    const audio = transferAudio();
    const transferred = uniqueName('transferred');
    const control = uniqueName('control');
    const client = createIngestClient(pipeline.gatewayAddress);
    try {
      const streamControl = async () => {
        const stream = openCallStream(client, pipeline.token);
        await stream.write(start(control, 'agent-7'));
        await sendFrames(stream, audio, 0, CALL_MS);
        await stream.write({ end: { reason: 'hangup' } });
        return (await stream.finish()).code;
      };
      const streamTransfer = async () => {
        const first = openCallStream(client, pipeline.token);
        await first.write(start(transferred, 'agent-7'));
        await sendFrames(first, audio, 0, TRANSFER_AT_MS);
        await new Promise((resolve) => setTimeout(resolve, 200));
        first.cancel();
        // The gateway flushed the dropped stream's audio (a resume before then is CALL_HANDING_OVER).
        await expect
          .poll(
            async () =>
              metricValue(await scrape(pipeline.ports['ingest-gateway']), 'va_ingest_live_calls') <= 1,
            { timeout: 15_000, interval: 100 },
          )
          .toBe(true);
        const second = openCallStream(client, pipeline.token);
        await second.write(start(transferred, 'agent-8'));
        await sendFrames(second, audio, TRANSFER_AT_MS, CALL_MS);
        await second.write({ end: { reason: 'hangup' } });
        return (await second.finish()).code;
      };
      expect(await Promise.all([streamTransfer(), streamControl()])).toEqual([0, 0]);
    } finally {
      client.close();
    }
    const lastWindow = (CALL_MS - 2_000) / 1_000;
    const eventsOf = (callId: string, channel: 'agent' | 'customer') =>
      emotions.records.map((r) => r.value).filter((e) => e.callId === callId && e.channel === channel);
    await expect
      .poll(
        () =>
          [transferred, control].every((id) =>
            (['agent', 'customer'] as const).every((ch) =>
              eventsOf(id, ch).some((e) => e.windowIndex >= lastWindow),
            ),
          ),
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true);
    /** States of a speaker's speech windows reaching past the transfer (audio of the second leg). */
    const afterTransfer = (callId: string, channel: 'agent' | 'customer') =>
      eventsOf(callId, channel)
        .filter((e) => e.endMs > TRANSFER_AT_MS && e.state !== 'no-speech')
        .sort((a, b) => a.windowIndex - b.windowIndex);
    const beforeTransfer = (callId: string) =>
      eventsOf(callId, 'agent').filter((e) => e.endMs <= TRANSFER_AT_MS && e.state !== 'no-speech');
    const states = (events: EmotionEventRecord[]) => events.map((e) => e.state);
    const summary = {
      agentBefore: states(beforeTransfer(transferred)),
      agentAfter: states(afterTransfer(transferred, 'agent')),
      controlAgentAfter: states(afterTransfer(control, 'agent')),
      customerAfter: states(afterTransfer(transferred, 'customer')),
      controlCustomerAfter: states(afterTransfer(control, 'customer')),
    };
    console.log(JSON.stringify(summary));

    // The first agent was judged (his calm start learnt) before the transfer.
    expect(summary.agentBefore.filter((s) => s !== 'uncertain').length).toBeGreaterThanOrEqual(3);
    // The second agent's first speech windows: `uncertain` while her own calm start is learnt.
    expect(summary.agentAfter.length).toBeGreaterThan(WARMUP_WINDOWS);
    expect(summary.agentAfter.slice(0, WARMUP_WINDOWS)).toEqual(Array(WARMUP_WINDOWS).fill('uncertain'));
    // Without the transfer the same voice was judged against the first agent's start at once.
    expect(summary.controlAgentAfter.slice(0, WARMUP_WINDOWS).some((s) => s !== 'uncertain')).toBe(true);
    // The customer is not warmed up again: judged as in the call without a transfer.
    expect(summary.customerAfter.slice(0, WARMUP_WINDOWS).some((s) => s !== 'uncertain')).toBe(true);
    expect(summary.customerAfter).toEqual(summary.controlCustomerAfter);
  });
});
