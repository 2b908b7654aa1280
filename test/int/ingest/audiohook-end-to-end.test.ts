// Issue 15's "done when" for Genesys Cloud AudioHook: a 3-minute stereo call (two shipped nEMO
// calls back to back: the angry one, then the calm one) played as Genesys plays it (signed
// upgrade, open -> opened, 200 ms stereo PCMU frames, pings, close -> closed; paced at 4 × real
// time) into the gateway's AudioHook port, then Kafka → dsp-worker → emotion-classifier (child
// processes) → alert service → a supervisor's WebSocket, which gets customer-frustration for the
// conversation within 10 s of the anger starting; and the call-store service (child process,
// PGlite) has the conversation, ended, with every feature window, in its QA API.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../deploy/kafka/local-broker.ts';
import { issueToken } from '../../../services/call-store/http/auth.ts';
import { waitFor } from '../../../scripts/lib/pipeline/harness.ts';
import { startPipeline, type RunningPipeline } from '../../../scripts/lib/pipeline/pipeline-procs.ts';
import { uniqueName } from '../../support/kafka.ts';
import { readShippedCall, segmentStartMs } from '../../support/nemo-calls.ts';
import { alertsOfCall, supervisorClient } from '../emotion/supervisor-watch.ts';
import { connectAudioHook, playCall, type AudioHookOrgAuth } from './audiohook-client.ts';

const SPEED = 4;
const ALERT_WITHIN_MS = 10_000;
const JWT_SECRET = `audiohook-e2e-${randomBytes(16).toString('hex')}`;
const ORG: AudioHookOrgAuth = {
  orgId: randomUUID(),
  apiKey: `api-${randomBytes(16).toString('hex')}`,
  clientSecret: randomBytes(32).toString('base64'),
};

describe('an AudioHook session end to end: adapter → Kafka → workers → wallboard alert and the call store', () => {
  const suffix = uniqueName('audiohook').replace('.', '-');
  let pipeline: RunningPipeline;
  let hookPort: number;
  let apiPort: number;
  let dataDir: string;

  beforeAll(async () => {
    hookPort = await freePort();
    apiPort = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'va-audiohook-e2e-'));
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 3,
      extraEnv: {
        'ingest-gateway': {
          AUDIOHOOK_HOST: '127.0.0.1',
          AUDIOHOOK_PORT: String(hookPort),
          AUDIOHOOK_ORGS: JSON.stringify({
            [ORG.orgId]: {
              tenant: 'demo',
              apiKey: ORG.apiKey,
              clientSecret: ORG.clientSecret,
              consent: { analytics: true, storeFeatures: true },
            },
          }),
        },
      },
      extras: [
        {
          name: 'call-store',
          service: 'call-store',
          env: {
            API_PORT: String(apiPort),
            JWT_SECRET,
            STORE_DATA_DIR: dataDir,
            ALERTS_TOPIC: `va.alerts.v1.${suffix}`,
            CONSUMER_GROUP: `call-store-${suffix}`,
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
    await pipeline?.deleteTopics();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('alerts the supervisor within 10 s of the anger and lands the call in the QA API', async () => {
    const supervisor = await supervisorClient(pipeline, suffix);
    const angry = readShippedCall('call-2-angry-recovers');
    const calm = readShippedCall('call-1-calm');
    const concat = (a: Uint8Array, b: Uint8Array) => Buffer.concat([a, b]);
    const call = {
      conversationId: randomUUID(),
      customConfig: { agentId: 'agent-1', queue: 'billing', team: 'blue' },
      customer: concat(angry.customer, calm.customer),
      agent: concat(angry.agent, calm.agent),
    };
    const durationMs = (Math.max(call.customer.length, call.agent.length) / 8000) * 1000;
    expect(durationMs).toBeGreaterThan(120_000);
    const client = await connectAudioHook(`ws://127.0.0.1:${hookPort}/audiohook`, ORG);
    const startedAtMs = Date.now();
    const { closed } = await playCall(client, ORG.orgId, call, { speed: SPEED });
    expect(closed?.type).toBe('closed');

    const alerts = await alertsOfCall(supervisor, call.conversationId, durationMs);
    const first = alerts.find((a) => a.alert.ruleId === 'customer-frustration');
    expect(first, 'a customer-frustration alert reached the supervisor').toBeDefined();
    if (!first) return;
    const angerStartMs = segmentStartMs(angry.call, 'angry');
    expect(first.alert.audioMs).toBeGreaterThanOrEqual(angerStartMs);
    const sentAtMs = startedAtMs + first.alert.audioMs / SPEED;
    const latencyMs = first.alert.audioMs - angerStartMs + (first.receivedAtMs - sentAtMs);
    console.log(JSON.stringify({ audiohook_real_time_alert_latency_ms: latencyMs, alerts: alerts.length }));
    expect(latencyMs).toBeLessThanOrEqual(ALERT_WITHIN_MS);

    // The QA reviewer finds the conversation in the store, ended, with its windows.
    const token = await issueToken(
      { secret: new TextEncoder().encode(JWT_SECRET), issuer: 'va-alert-service', audience: 'va-pages' },
      { userId: 'qa', role: 'qa_reviewer', tenant: 'demo', agentId: null },
    );
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    await waitFor(
      'the conversation, ended, in the call store',
      async () => {
        const detail = await get(`/calls/${call.conversationId}`).catch(() => null);
        return detail?.status === 200 && detail.body.status === 'ended';
      },
      90_000,
    );
    const stored = (await get(`/calls/${call.conversationId}`)).body;
    expect(stored).toMatchObject({ agentId: 'agent-1', queue: 'billing', status: 'ended' });
    const timeline = (await get(`/calls/${call.conversationId}/timeline`)).body as {
      speakers: Record<string, { windows: { windowIndex: number[] } }>;
    };
    // Windows of 2 s every 1 s over the whole call, for both speakers.
    for (const speaker of ['agent', 'customer'])
      expect(timeline.speakers[speaker].windows.windowIndex.length).toBeGreaterThan(durationMs / 1000 - 5);
  });
});
