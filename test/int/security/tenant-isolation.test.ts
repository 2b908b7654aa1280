// Call ids come from clients, so two tenants may use the same one. Tenant A
// squats id X (its call is live), tenant B streams its own call X through the real gateway,
// workers, alert service and call store (child processes, real broker, PGlite). B's call goes
// ahead (it used to be refused with CALL_ALREADY_LIVE, which also told B that A had a live X),
// A's supervisor socket and A's QA API see nothing of it, B sees its own, and A's X stays A's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../devkit/free-port.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { TOPICS } from '../../../services/shared/topics.ts';
import { syntheticCall } from '../../../devkit/audio/stereo-call.ts';
import { toTelephoneCall } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  expectedWindowsPerCall,
  startPipeline,
  type RunningPipeline,
} from '../../../devkit/pipeline/pipeline-procs.ts';
import { streamTelephoneCall } from '../../../devkit/stream/stream-telephone-call.ts';
import { connect, type Frame, type TestClient } from '../alerts/harness.ts';
import { uniqueName } from '../../support/kafka.ts';

const SECRET = 'tenant-isolation-test-secret-32-bytes!!';
const [A, B] = ['tenant-a', 'tenant-b'];
/** One alert per call and customer, early: every call has alerts to leak, or not. */
const RULES = `version: 1
defaults: { cooldownMs: 600000, escalateAfterMs: 600000, maxGapMs: 10000 }
rules:
  - id: customer-heard
    name: Customer heard
    subject: customer
    when: { metric: speechFraction, gte: 0 }
    durationBasis: audio
    minDurationMs: 2000
    audience: supervisor
    severity: info
    message: 'Customer heard'
`;

let pipeline: RunningPipeline;
let workDir: string;
let alertPort: number;
let storePort: number;

beforeAll(async () => {
  const suffix = uniqueName('iso').replace('.', '-');
  workDir = mkdtempSync(join(tmpdir(), 'va-tenant-isolation-'));
  writeFileSync(join(workDir, 'rules.yaml'), RULES);
  alertPort = await freePort();
  storePort = await freePort();
  const topic = (name: keyof typeof TOPICS) => `${TOPICS[name]}.${suffix}`;
  pipeline = await startPipeline({
    brokers: inject('kafkaBrokers'),
    suffix,
    partitions: 3,
    tenants: [A, B],
    extras: [
      {
        name: 'alert-service',
        service: 'alert-service',
        env: {
          ALERT_PORT: String(alertPort),
          ALERT_HOST: '127.0.0.1',
          JWT_SECRET: SECRET,
          ALERT_RULES_FILE: join(workDir, 'rules.yaml'),
          ALERT_WEB_DIR: workDir,
          ALERT_GROUP_ID: `va-alert-service-${suffix}`,
          ALERT_FANOUT_GROUP_PREFIX: `va-alert-fanout-${suffix}`,
          CALLS_TOPIC: topic('calls'),
          FEATURES_TOPIC: topic('features'),
          EMOTIONS_TOPIC: topic('emotions'),
          ALERTS_TOPIC: topic('alerts'),
          DEADLETTER_TOPIC: topic('deadletter'),
        },
      },
      {
        name: 'call-store',
        service: 'call-store',
        env: {
          API_PORT: String(storePort),
          JWT_SECRET: SECRET,
          STORE_DATA_DIR: join(workDir, 'store'),
          ALERTS_TOPIC: topic('alerts'),
          STORE_GROUP_ID: `call-store-${suffix}`,
          SUMMARY_SETTLE_MS: '2000',
          SUMMARY_INTERVAL_MS: '300',
          SERVE_WEB: 'false',
        },
      },
    ],
  });
});

afterAll(async () => {
  await pipeline?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const tokenFor = (tenant: string, role: 'supervisor' | 'qa_reviewer') =>
  issueToken(
    { secret: new TextEncoder().encode(SECRET), issuer: 'va-alert-service', audience: 'va-pages' },
    { userId: `${role}-${tenant}`, role, tenant, agentId: null, teams: [] },
  );

interface SeenCall {
  callId: string;
  tenant: string;
  agentId: string;
}
interface SeenAlert {
  alertId: string;
  callId: string;
  tenant: string;
}
interface StoredCall extends SeenCall {
  durationMs: number;
  summary: unknown;
  alerts: SeenAlert[];
}
interface StoredTimeline {
  speakers: Record<'agent' | 'customer', { windows: { windowIndex: number[] } }>;
  alerts: SeenAlert[];
}

/** The QA API as one user; a refused connection while polling is "not yet" (status 0). */
function qaApi(token: string) {
  return async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`http://127.0.0.1:${storePort}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    }).catch(() => null);
    return response
      ? { status: response.status, body: (await response.json()) as T }
      : { status: 0, body: null as T };
  };
}

/** Everything about calls and alerts a WebSocket client was sent. */
function seenOnSocket(client: TestClient) {
  const calls: SeenCall[] = [];
  const alerts: SeenAlert[] = [];
  for (const frame of client.frames as (Frame & {
    calls?: SeenCall[];
    alerts?: SeenAlert[];
    alert?: SeenAlert;
  })[]) {
    calls.push(...(frame.calls ?? []));
    alerts.push(...(frame.alerts ?? []), ...(frame.alert ? [frame.alert] : []));
  }
  return { calls, alerts };
}

describe('tenant isolation of client-chosen call ids', () => {
  it('lets tenant B stream the id tenant A is using, and neither tenant sees the other', async () => {
    const callId = `shared-${Date.now()}`;
    const audioA = syntheticCall(24, 5);
    const audioB = syntheticCall(10, 9);
    const [supA, supB, qaA, qaB] = await Promise.all([
      tokenFor(A, 'supervisor'),
      tokenFor(B, 'supervisor'),
      tokenFor(A, 'qa_reviewer'),
      tokenFor(B, 'qa_reviewer'),
    ]);
    const wsUrl = `ws://127.0.0.1:${alertPort}/ws`;
    const socketA = await connect({ wsUrl }, supA);
    const socketB = await connect({ wsUrl }, supB);

    // A squats X: its call is live (on A's wallboard) while B starts its own X.
    const streamingA = streamTelephoneCall(
      pipeline.gatewayAddress,
      pipeline.tokens[A],
      toTelephoneCall(callId, audioA),
      {
        speed: 2,
        agentId: 'agent-a',
        storeFeatures: true,
      },
    );
    await socketA.waitFor(
      (f) => ((f.calls as { callId: string }[]) ?? []).some((c) => c.callId === callId),
      20_000,
    );
    const resultB = await streamTelephoneCall(
      pipeline.gatewayAddress,
      pipeline.tokens[B],
      toTelephoneCall(callId, audioB),
      {
        speed: 4,
        agentId: 'agent-b',
        storeFeatures: true,
      },
    );
    expect(resultB.code, `B's call refused: ${resultB.details ?? ''}`).toBe(0);
    expect((await streamingA).code).toBe(0);

    // Each tenant's supervisor gets its own call's alert.
    const alertOf = (tenant: string) => (f: Frame) =>
      f.type === 'alert' &&
      (f.alert as { callId: string; tenant: string }).callId === callId &&
      (f.alert as { tenant: string }).tenant === tenant;
    await socketB.waitFor(alertOf(B), 60_000);
    await socketA.waitFor(alertOf(A), 60_000);

    // Both calls stored, each under its tenant, summarised, with all of its own windows.
    const getA = qaApi(qaA);
    const getB = qaApi(qaB);
    const summarised = async (get: typeof getA) => {
      const call = await get<StoredCall>(`/calls/${callId}`);
      return call.status === 200 && call.body.summary !== null && call.body.alerts.length > 0
        ? call.body
        : null;
    };
    const storedA = await waitFor(`A's call ${callId} summarised`, () => summarised(getA), 90_000);
    const storedB = await waitFor(`B's call ${callId} summarised`, () => summarised(getB), 90_000);
    expect([storedA.tenant, storedA.agentId, storedA.durationMs]).toEqual([A, 'agent-a', 24_000]);
    expect([storedB.tenant, storedB.agentId, storedB.durationMs]).toEqual([B, 'agent-b', 10_000]);
    const windows = async (get: typeof getA) => {
      const timeline = (await get<StoredTimeline>(`/calls/${callId}/timeline`)).body;
      return {
        count:
          timeline.speakers.agent.windows.windowIndex.length +
          timeline.speakers.customer.windows.windowIndex.length,
        alerts: timeline.alerts.map((a) => a.alertId),
      };
    };
    const timelineA = await windows(getA);
    const timelineB = await windows(getB);
    expect(timelineA.count).toBe(expectedWindowsPerCall(audioA));
    expect(timelineB.count).toBe(expectedWindowsPerCall(audioB));
    expect(timelineA.alerts.every((id) => id.startsWith(`${A}/`))).toBe(true);
    expect(timelineB.alerts.every((id) => id.startsWith(`${B}/`))).toBe(true);
    // A's search lists its X once, as A's.
    const listA = (await getA<{ calls: SeenCall[] }>('/calls?limit=100')).body.calls.filter(
      (c) => c.callId === callId,
    );
    expect(listA.map((c) => [c.tenant, c.agentId])).toEqual([[A, 'agent-a']]);

    // Nothing of B's call ever reached A's socket, and nothing of A's reached B's.
    const onA = seenOnSocket(socketA);
    const onB = seenOnSocket(socketB);
    expect(onA.calls.length).toBeGreaterThan(0);
    expect(onA.calls.every((c) => c.tenant === A && c.agentId !== 'agent-b')).toBe(true);
    expect(onA.alerts.every((a) => a.tenant === A && a.alertId.startsWith(`${A}/`))).toBe(true);
    expect(onB.calls.every((c) => c.tenant === B && c.agentId !== 'agent-a')).toBe(true);
    expect(onB.alerts.every((a) => a.tenant === B && a.alertId.startsWith(`${B}/`))).toBe(true);
    expect(onB.alerts.length).toBeGreaterThan(0);
  });
});
