// Acceptance: a call streamed over real gRPC through the live pipeline (gateway, dsp-worker,
// emotion classifier as child processes, real broker) and the call-store service (its main.ts,
// PGlite in a temp folder) appears in the store with every window once, then is summarised; a call
// without feature consent (store_features=false) leaves only the summary, its windows never served.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../devkit/free-port.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { toTelephoneCall } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  expectedWindowsPerCall,
  startPipeline,
  type RunningPipeline,
} from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import { uniqueName } from '../../support/kafka.ts';

const SECRET = 'live-call-test-secret-of-32-bytes!!';
let pipeline: RunningPipeline;
let apiPort: number;
let dataDir: string;

beforeAll(async () => {
  const suffix = uniqueName('store').replace('.', '-');
  dataDir = mkdtempSync(join(tmpdir(), 'va-store-live-'));
  apiPort = await freePort();
  pipeline = await startPipeline({
    brokers: inject('kafkaBrokers'),
    suffix,
    partitions: 3,
    extras: [
      {
        name: 'call-store',
        service: 'call-store',
        env: {
          API_PORT: String(apiPort),
          JWT_SECRET: SECRET,
          STORE_DATA_DIR: dataDir,
          ALERTS_TOPIC: `va.alerts.v1.${suffix}`,
          STORE_GROUP_ID: `call-store-${suffix}`,
          SUMMARY_SETTLE_MS: '3000',
          SUMMARY_INTERVAL_MS: '300',
          SERVE_WEB: 'false',
        },
      },
    ],
  });
});

afterAll(async () => {
  await pipeline?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('call-store behind the live pipeline', () => {
  it('stores every window of a streamed call once; without feature consent it keeps only the summary', async () => {
    const token = await issueToken(
      { secret: new TextEncoder().encode(SECRET), issuer: 'va-alert-service', audience: 'va-pages' },
      { userId: 'qa', role: 'qa_reviewer', tenant: pipeline.tenant, agentId: null, teams: [] },
    );
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: await response.json() };
    };
    /** For polling: a refused connection (a busy machine, the service still settling) is "not yet". */
    const poll = (path: string) => get(path).catch(() => ({ status: 0, body: null }));
    const summarised = (callId: string) =>
      waitFor(
        `the summary of ${callId}`,
        async () => {
          const detail = await poll(`/calls/${callId}`);
          return detail.status === 200 && detail.body.summary !== null;
        },
        60_000,
      );

    // With consent to keep the windows: every window lands once, in order without gaps.
    const audio = syntheticCall(12, 3);
    const call = toTelephoneCall(`store-live-${Date.now()}`, audio);
    const expected = expectedWindowsPerCall(audio);
    await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, call, {
      speed: 4,
      storeFeatures: true,
    });
    let lanes: Record<string, number[]> = { agent: [], customer: [] };
    await waitFor(
      `${expected} windows of ${call.callId} in the store`,
      async () => {
        const timeline = await poll(`/calls/${call.callId}/timeline`);
        if (timeline.status !== 200) return false;
        lanes = {
          agent: timeline.body.speakers.agent.windows.windowIndex,
          customer: timeline.body.speakers.customer.windows.windowIndex,
        };
        return lanes.agent.length + lanes.customer.length >= expected;
      },
      90_000,
    );
    expect(lanes.agent.length + lanes.customer.length).toBe(expected);
    for (const indices of Object.values(lanes)) expect(indices).toEqual(indices.map((_, i) => i));
    await summarised(call.callId);
    const kept = (await get(`/calls/${call.callId}`)).body;
    expect([kept.status, kept.agentId, kept.storeFeatures]).toEqual(['ended', 'agent-7', true]);

    // Without it (the softphone's default): the windows are held for the summary only, never
    // served, and dropped once it is made.
    const noConsent = toTelephoneCall(`store-summary-${Date.now()}`, syntheticCall(12, 4));
    await streamTelephoneCall(pipeline.gatewayAddress, pipeline.token, noConsent, { speed: 4 });
    await summarised(noConsent.callId);
    const stored = (await get(`/calls/${noConsent.callId}`)).body;
    expect(stored.status).toBe('ended');
    expect(stored.storeFeatures).toBe(false);
    expect(stored.scorecard.parts).toHaveLength(9);
    const after = (await get(`/calls/${noConsent.callId}/timeline`)).body;
    expect(after.speakers.agent.windows.windowIndex).toEqual([]);
    const list = (await get('/calls?limit=10')).body;
    expect(list.calls.map((c: { callId: string }) => c.callId)).toEqual(
      expect.arrayContaining([call.callId, noConsent.callId]),
    );
  });
});
