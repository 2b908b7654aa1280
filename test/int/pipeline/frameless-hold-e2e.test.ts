// A hold sent as silence suppression (DTX: CallHold, then no frame on either channel) end to end:
// a shipped nEMO call over real gRPC into the ingest gateway, through Kafka, the dsp-worker and the
// emotion classifier (child processes) and the alert service (in-process) to a supervisor's
// WebSocket. The gateway's IDLE_TIMEOUT_MS is cut to 3 s and the `long-hold` rule to 15 s on hold
// (ALERT_RULES_FILE), so a 40 s frameless hold stands for the 2.5-minute one: the stream is not
// ended, and `long-hold` reaches the supervisor DURING the hold, not after it. The same silence
// off hold still ends its stream IDLE_TIMEOUT.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertView } from '../../../services/alert-service/protocol.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  createIngestClient,
  openCallStream,
  type CallStream,
} from '../../../services/simulator/ingest-client.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { connect, login, type TestClient } from '../alerts/harness.ts';
import { alertServiceOn } from '../emotion/supervisor-watch.ts';
import { stereoCallStart } from '../ingest/helpers.ts';
import { FRAME_BYTES, writeStereoFrame } from './stereo-frames.ts';

const HOLD_RULE_MS = 15_000;
const ESCALATE_MS = 10_000;
const HOLD_MS = 40_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shipped rules' long-hold, its duration cut for the test. */
function longHoldRulesFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'va-hold-rules-')), 'alert-rules.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      'rules:',
      '  - id: long-hold',
      '    name: Long hold',
      '    subject: call',
      '    when: { metric: holdFraction, gte: 0.9 }',
      `    minDurationMs: ${HOLD_RULE_MS}`,
      '    audience: agent',
      '    severity: info',
      '    cooldownMs: 120000',
      `    escalateAfterMs: ${ESCALATE_MS}`,
      "    message: 'On hold for {durationS} s'",
      '',
    ].join('\n'),
  );
  return file;
}

/** `seconds` of the calm call from frame slot `from`, both channels, at 4x real time. */
async function sendCall(stream: CallStream, from: number, seconds: number): Promise<number> {
  const call = readShippedCall('call-1-calm');
  const end = from + seconds * 50;
  for (let seq = from; seq < end; seq += 1) {
    await writeStereoFrame(stream, seq, (seq % 1500) * FRAME_BYTES, call); // its first 30 s, round again
    if (seq % 10 === 9) await sleep(50); // 200 ms of audio per 50 ms
  }
  return end;
}

describe('a frameless (DTX) hold: gRPC → Kafka → dsp-worker → emotion-classifier → alert-service → WebSocket', () => {
  const suffix = uniqueName('dtxhold').replace('.', '-');
  let pipeline: RunningPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 2,
      extraEnv: { 'ingest-gateway': { IDLE_TIMEOUT_MS: '3000' } },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await pipeline?.deleteTopics();
  });

  it('keeps a 40 s frameless hold past a 3 s idle timeout and cues long-hold during it; off hold the silence is IDLE_TIMEOUT', async () => {
    // The harness stops the alert service when the test finishes.
    const alerts = await alertServiceOn(pipeline, suffix, { ALERT_RULES_FILE: longHoldRulesFile() });
    // The cue goes to the call's agent; the supervisor sees its escalation.
    const agent = await connect(alerts, await login(alerts, 'agent-1'));
    const supervisor = await connect(alerts, await login(alerts, 'supervisor'));
    const client = createIngestClient(pipeline.gatewayAddress);
    const held = uniqueName('dtx-held').replace('.', '-');
    const plain = uniqueName('dtx-plain').replace('.', '-');
    try {
      const heldStream = openCallStream(client, pipeline.token);
      const plainStream = openCallStream(client, pipeline.token);
      await heldStream.write(stereoCallStart(held, { agentId: 'agent-1' }));
      await plainStream.write(stereoCallStart(plain, { agentId: 'agent-1' }));
      const [heldAt] = await Promise.all([sendCall(heldStream, 0, 6), sendCall(plainStream, 0, 6)]);
      await heldStream.write({ hold: { onHold: true } });
      const holdStartMs = Date.now();
      // Both streams now send nothing: the plain one is ended by the idle timeout, the held one is not.
      const longHold = (client: TestClient) =>
        client.frames.find(
          (f) =>
            f.type === 'alert' &&
            (f.alert as AlertView).callId === held &&
            (f.alert as AlertView).ruleId === 'long-hold',
        );
      await waitFor('long-hold to the agent during the hold', () => longHold(agent) !== undefined, HOLD_MS);
      await waitFor('its escalation to the supervisor', () => longHold(supervisor) !== undefined, HOLD_MS);
      const cuedAfterMs = (longHold(agent)?.receivedAtMs as number) - holdStartMs;
      const escalatedAfterMs = (longHold(supervisor)?.receivedAtMs as number) - holdStartMs;
      const plainResult = await plainStream.result;
      await sleep(Math.max(0, HOLD_MS - (Date.now() - holdStartMs)));
      await heldStream.write({ hold: { onHold: false } });
      const heldEnded = Date.now();
      const back = Math.max(heldAt, Math.round((6_000 + (heldEnded - holdStartMs)) / 20));
      await sendCall(heldStream, back, 4);
      await heldStream.write({ end: { reason: 'hangup' } });
      const heldResult = await heldStream.finish();
      console.log(
        JSON.stringify({
          long_hold_after_ms: cuedAfterMs,
          escalated_after_ms: escalatedAfterMs,
          hold_ms: heldEnded - holdStartMs,
        }),
      );
      expect([heldResult.code, plainResult.code, plainResult.details]).toEqual([
        grpc.status.OK,
        grpc.status.DEADLINE_EXCEEDED,
        expect.stringMatching(/IDLE_TIMEOUT/),
      ]);
      // Cued during the hold, once its rule's duration (and the fill's lag, a window) had passed.
      expect(cuedAfterMs).toBeGreaterThan(HOLD_RULE_MS);
      expect(cuedAfterMs).toBeLessThan(heldEnded - holdStartMs);
      // Its escalation during the hold too, its own delay later: not both at once after the hold.
      expect(escalatedAfterMs - cuedAfterMs).toBeGreaterThan(ESCALATE_MS - 2_000);
      expect(escalatedAfterMs).toBeLessThan(heldEnded - holdStartMs);
    } finally {
      client.close();
    }
  });
});
