// One-way audio end to end: a shipped nEMO call over real gRPC into the ingest gateway, through
// Kafka, the dsp-worker and the emotion classifier (child processes) and the alert service
// (in-process, the shipped rules) to a supervisor's WebSocket. The customer's channel carries
// digital silence (µ-law 0xFF) while the agent talks and pauses for answers: the supervisor is told
// `customer-line-fault`, and the live call's talk ratio turns unknown (null) instead of the agent's
// one-sided 1.0; the same call with the customer heard, streamed alongside, raises no line fault.
// While the fault holds, the shipped long-silence rule (pausedOnLineFault) raises no "tell the
// customer what you are doing" cue: unpaused it fired again 18 s after the fault (eval:line, 53 s).
// The common real case, the customer's leg sending NO frames at all (a broken RTP leg, a NAT
// dropping one direction) with the stream still open: the gateway fills the silent leg
// (silent-legs.ts), so the fault shows while the call is live, not only at hang-up.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertView, CallView } from '../../../services/alert-service/protocol.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { connect, login } from '../alerts/harness.ts';
import { alertServiceOn } from '../emotion/supervisor-watch.ts';
import { stereoCallStart } from '../ingest/helpers.ts';
import { FRAME_BYTES, writeStereoFrame } from './stereo-frames.ts';

/**
 * Seconds of the call sent: the line watch needs 20 s and three unanswered pauses (about 35 s
 * here); past 53 s, where long-silence fired during the fault before it was paused.
 */
const SECONDS = 60;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The call's first SECONDS, both channels, at 4x real time, then CallEnd. With `customerUntilS`
 * the customer's leg sends its last frame there, the agent's goes on, and the stream stays open.
 */
async function sendCall(
  stream: CallStream,
  call: { agent: Uint8Array; customer: Uint8Array },
  customerUntilS = Infinity,
): Promise<void> {
  for (let seq = 0; seq < SECONDS * 50; seq += 1) {
    if (seq * 20 < customerUntilS * 1000) await writeStereoFrame(stream, seq, seq * FRAME_BYTES, call);
    else {
      const payload = call.agent.subarray(seq * FRAME_BYTES, (seq + 1) * FRAME_BYTES);
      await stream.write({
        frame: { channel: 'CHANNEL_AGENT', sequence: seq, audioTimeMs: seq * 20, payload },
      });
    }
    if (seq % 10 === 9) await sleep(50); // 200 ms of audio per 50 ms
  }
  if (customerUntilS !== Infinity) return;
  await stream.write({ end: { reason: 'hangup' } });
  await stream.finish();
}

/** The `customer-line-fault` alerts the supervisor got for `callId`. */
const lineFaults = (frames: readonly { type: unknown; alert?: unknown }[], callId: string) =>
  frames.filter(
    (f) =>
      f.type === 'alert' &&
      (f.alert as AlertView).callId === callId &&
      (f.alert as AlertView).ruleId === 'customer-line-fault',
  );

/** The live view's talk ratios of `callId`, in order. */
const talkRatios = (frames: readonly { type: unknown; calls?: unknown }[], callId: string) =>
  frames.flatMap((f) =>
    f.type === 'state'
      ? (f.calls as CallView[]).filter((c) => c.callId === callId).map((c) => c.talkRatioAgent)
      : [],
  );

describe('one-way audio: gRPC → Kafka → dsp-worker → emotion-classifier → alert-service → WebSocket', () => {
  const suffix = uniqueName('oneway').replace('.', '-');
  let pipeline: RunningPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({ brokers: inject('kafkaBrokers'), suffix, dspWorkers: 1, partitions: 2 });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  it('tells the supervisor of a customer line carrying nothing while the agent talks, and not of the clean call', async () => {
    // The harness stops the alert service when the test finishes; the shipped rule file.
    const alerts = await alertServiceOn(pipeline, suffix);
    const supervisor = await connect(alerts, await login(alerts, 'supervisor'));
    const shipped = readShippedCall('call-2-angry-recovers');
    const dead = { agent: shipped.agent, customer: new Uint8Array(shipped.customer.length).fill(0xff) };
    const client = createIngestClient(pipeline.gatewayAddress);
    const oneWay = uniqueName('oneway-call').replace('.', '-');
    const heard = uniqueName('heard-call').replace('.', '-');
    try {
      const oneWayStream = openCallStream(client, pipeline.token);
      const heardStream = openCallStream(client, pipeline.token);
      await oneWayStream.write(stereoCallStart(oneWay, { agentId: 'agent-1' }));
      await heardStream.write(stereoCallStart(heard, { agentId: 'agent-1' }));
      await Promise.all([sendCall(oneWayStream, dead), sendCall(heardStream, shipped)]);
      const lineFault = (callId: string) => lineFaults(supervisor.frames, callId);
      await waitFor('customer-line-fault to the supervisor', () => lineFault(oneWay).length > 0, 30_000);
      const alert = lineFault(oneWay)[0].alert as AlertView;
      expect(alert.message).toMatch(/check the line \(one-way audio\?\)/);
      // After 20 s of the customer unheard, within the audio sent.
      expect(alert.audioMs).toBeGreaterThanOrEqual(20_000);
      expect(alert.audioMs).toBeLessThanOrEqual(SECONDS * 1000);
      // The clean call's windows through the same span have all reached the alert service by now
      // (its last alert-relevant window is as old as the faulty one's): give them a second more.
      await sleep(2_000);
      expect(lineFault(heard)).toHaveLength(0);
      // No silence cue once the line is known faulty (one before it may come: the fault takes 20 s
      // to show), over the whole call: wait for its last windows to reach the alert service.
      const lastAudioMs = () =>
        Math.max(
          0,
          ...supervisor.frames.flatMap((f) =>
            f.type === 'state'
              ? (f.calls as CallView[]).filter((c) => c.callId === oneWay).map((c) => c.audioMs)
              : [],
          ),
        );
      await waitFor('the one-way call to its end', () => lastAudioMs() >= (SECONDS - 2) * 1000, 30_000);
      await sleep(1_000);
      const silenceAfterFault = () =>
        supervisor.frames.filter(
          (f) =>
            f.type === 'alert' &&
            (f.alert as AlertView).callId === oneWay &&
            (f.alert as AlertView).ruleId === 'long-silence' &&
            (f.alert as AlertView).audioMs > alert.audioMs,
        );
      expect(silenceAfterFault()).toHaveLength(0);
      // The live view's talk ratio: the agent alone (1) before the fault, then unknown (null)
      // rather than a one-sided 1.0; the heard call's stays a share once it has one.
      const ratios = (callId: string) => talkRatios(supervisor.frames, callId);
      const seen = ratios(oneWay);
      expect(seen).toContain(1);
      expect(seen.indexOf(null, seen.indexOf(1))).toBeGreaterThan(0);
      const heardRatios = ratios(heard);
      const firstShare = heardRatios.findIndex((r) => r !== null);
      expect(firstShare).toBeGreaterThanOrEqual(0);
      expect(heardRatios.slice(firstShare)).not.toContain(null);
    } finally {
      client.close();
    }
  });

  it('tells the supervisor while the call is live when the customer leg sends no packets at all', async () => {
    const alerts = await alertServiceOn(pipeline, suffix);
    const supervisor = await connect(alerts, await login(alerts, 'supervisor'));
    const client = createIngestClient(pipeline.gatewayAddress);
    const callId = uniqueName('silentleg-call').replace('.', '-');
    try {
      const stream = openCallStream(client, pipeline.token);
      await stream.write(stereoCallStart(callId, { agentId: 'agent-1' }));
      // Her last frame at 5 s; the agent's go on to 48 s; no CallEnd (the call goes on).
      await sendCall(stream, readShippedCall('call-2-angry-recovers'), 5);
      await waitFor(
        'customer-line-fault while the call is live',
        () => lineFaults(supervisor.frames, callId).length > 0,
        20_000,
      );
      const alert = lineFaults(supervisor.frames, callId)[0].alert as AlertView;
      expect(alert.message).toMatch(/check the line \(one-way audio\?\)/);
      expect(alert.audioMs).toBeGreaterThanOrEqual(20_000);
      expect(alert.audioMs).toBeLessThanOrEqual(SECONDS * 1000);
      // The live view: the agent alone (1), then unknown (null) rather than a one-sided 1.0.
      const seen = talkRatios(supervisor.frames, callId);
      expect(seen).toContain(1);
      expect(seen.indexOf(null, seen.indexOf(1))).toBeGreaterThan(0);
      await stream.write({ end: { reason: 'hangup' } });
      await stream.finish();
    } finally {
      client.close();
    }
  });
});
