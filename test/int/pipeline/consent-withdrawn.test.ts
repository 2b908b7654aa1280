// A customer withdraws consent mid-call, end to end: real gRPC into the ingest gateway, Kafka, the
// dsp-worker and emotion classifier (child processes), the alert service (in-process, a
// supervisor's WebSocket) and the call store (child process, a real PostgreSQL). Once the
// ConsentChange (analytics and store_features withdrawn) is read at 10 s of audio, no emotion
// event of the call describes audio after it though 10 s more audio follow; the supervisor's page
// is told the call is gone and a new page does not show it; and once the call is summarised the
// store keeps none of its windows, emotions or dynamics (as for a call that started so).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { freePort } from '../../../devkit/free-port.ts';
import { startPipeline, type RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { findPostgres, type FoundPostgres } from '../../../devkit/postgres/local-postgres.ts';
import { emotionEventCodec } from '../../../services/shared/records.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import { TOPICS } from '../../../services/shared/topics.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { createIngestClient, openCallStream } from '../../../services/simulator/ingest-client.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { readShippedCall } from '../../support/nemo-calls.ts';
import { connect, login, type Frame } from '../alerts/harness.ts';
import { alertServiceOn } from '../emotion/supervisor-watch.ts';
import { collectUntil } from '../ingest/helpers.ts';
import { FRAME_BYTES, writeStereoFrame } from './stereo-frames.ts';

const CALL_MS = 20_000;
const CHANGE_AT_MS = 10_000;
const JWT_SECRET = 'consent-withdrawn-secret-32-bytes!!';

/**
 * Streams the shipped angry call's first CALL_MS at about 10 × real time, withdrawing analytics
 * and store_features at CHANGE_AT_MS when `withdraw`; the number of NOT_ANALYSED acks and when
 * (wall clock) the change was sent.
 */
async function streamCall(
  pipeline: RunningPipeline,
  callId: string,
  withdraw: boolean,
): Promise<{ notAnalysedAcks: number; changedAtMs: number }> {
  let changedAtMs = 0;
  const { agent, customer } = readShippedCall('call-2-angry-recovers');
  const client = createIngestClient(pipeline.gatewayAddress);
  try {
    const stream = openCallStream(client, pipeline.token);
    await stream.write({
      start: {
        callId,
        agentId: 'agent-7',
        queue: 'billing',
        codec: 'CODEC_PCMU',
        sampleRateHz: 8000,
        consent: { analytics: true, storeFeatures: true },
      },
    });
    for (let seq = 0; seq < CALL_MS / 20; seq += 1) {
      if (withdraw && seq * 20 === CHANGE_AT_MS) {
        changedAtMs = Date.now();
        await stream.write({ consentChange: { consent: { analytics: false, storeFeatures: false } } });
      }
      await writeStereoFrame(stream, seq, seq * FRAME_BYTES, { agent, customer });
      if (seq % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stream.write({ end: { reason: 'hangup' } });
    const result = await stream.finish();
    expect(result.code).toBe(0);
    expect(result.acks.at(-1)).toMatchObject({
      state: 'CALL_STATE_ENDED',
      framesAccepted: (CALL_MS / 20) * 2,
    });
    return {
      notAnalysedAcks: result.acks.filter((a) => a.state === 'CALL_STATE_NOT_ANALYSED').length,
      changedAtMs,
    };
  } finally {
    client.close();
  }
}

describe('consent withdrawn mid-call, end to end', () => {
  const suffix = uniqueName('consent').replace('.', '-');
  let pipeline: RunningPipeline;
  let postgres: FoundPostgres;
  let dbUrl: URL;
  let apiPort: number;

  beforeAll(async () => {
    postgres = await findPostgres();
    const dbName = `va_consent_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    dbUrl = new URL(postgres.url);
    dbUrl.pathname = `/${dbName}`;
    apiPort = await freePort();
    pipeline = await startPipeline({
      brokers: inject('kafkaBrokers'),
      suffix,
      dspWorkers: 1,
      partitions: 1,
      extras: [
        {
          name: 'call-store',
          service: 'call-store',
          env: {
            DATABASE_URL: dbUrl.toString(),
            API_PORT: String(apiPort),
            API_HOST: '127.0.0.1',
            JWT_SECRET,
            SERVE_WEB: 'false',
            ALERTS_TOPIC: `${TOPICS.alerts}.${suffix}`,
            STORE_GROUP_ID: `call-store-${suffix}`,
            SUMMARY_SETTLE_MS: '1000',
            SUMMARY_INTERVAL_MS: '300',
          },
        },
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await pipeline?.stop();
    await pipeline?.deleteTopics();
    await postgres?.stop();
  });

  it('produces no emotion after the change, drops the call from the supervisor and keeps no details', async () => {
    const alerts = await alertServiceOn(pipeline, suffix);
    const supervisor = await connect(alerts, await login(alerts, 'supervisor'));
    const callId = uniqueName('withdrawn').replace('.', '-');
    const withdrawn = await streamCall(pipeline, callId, true);
    expect(withdrawn.notAnalysedAcks).toBeGreaterThan(0);
    // The same audio without the change, after it on the one partition: its emotions past the
    // change time show the withdrawn call's absence is the consent's doing, and their arrival
    // that every emotion of the first call is in (the workers keep the partition's order).
    const controlId = uniqueName('consented').replace('.', '-');
    expect((await streamCall(pipeline, controlId, false)).notAnalysedAcks).toBe(0);

    // The supervisor is told the call is gone (with its alerts). Whether a state push showed it
    // live first depends on ALERT_STATE_INTERVAL_MS against the 1 s the call was analysed.
    const isCall = (f: Frame) =>
      f.type === 'state' && (f.calls as { callId: string }[]).some((c) => c.callId === callId);
    const gone = await supervisor.waitFor(
      (f) => f.type === 'erased' && (f.erased as { callId: string }).callId === callId,
      30_000,
    );

    const kafka = testKafka();
    const emotions = await collectUntil(
      kafka,
      pipeline.topics.emotions,
      (m) => emotionEventCodec.decode(m.value, m.headers),
      (got) => got.some((e) => e.callId === controlId && e.endMs >= CALL_MS - 2_000),
      60_000,
    );
    const ofCall = emotions.filter((e) => e.callId === callId);
    const ofControl = emotions.filter((e) => e.callId === controlId);
    expect(ofCall.length).toBeGreaterThan(0);
    expect(Math.max(...ofCall.map((e) => e.endMs))).toBeLessThanOrEqual(CHANGE_AT_MS);
    expect(ofControl.filter((e) => e.endMs > CHANGE_AT_MS).length).toBeGreaterThan(0);
    console.log(
      JSON.stringify({
        consent_withdrawn_at_ms: CHANGE_AT_MS,
        withdrawn_last_emotion_end_ms: Math.max(...ofCall.map((e) => e.endMs)),
        withdrawn_emotion_events: ofCall.length,
        consented_emotion_events: ofControl.length,
        change_to_supervisor_erased_ms: gone.receivedAtMs - withdrawn.changedAtMs,
        supervisor_saw_it_live: supervisor.frames.some(isCall),
      }),
    );

    // The store's summary below comes SUMMARY_SETTLE_MS after the end: late windows had that long.
    const token = await issueToken(
      { secret: new TextEncoder().encode(JWT_SECRET), issuer: 'va-alert-service', audience: 'va-pages' },
      { userId: 'qa', role: 'qa_reviewer', tenant: pipeline.tenant, agentId: null, teams: [] },
    );
    const stored = await waitFor(
      `${callId} summarised in the store`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${apiPort}/calls/${callId}`, {
          headers: { authorization: `Bearer ${token}` },
        }).catch(() => null);
        const body = response?.ok ? await response.json() : null;
        return body !== null && body.summary !== null && body;
      },
      90_000,
    );
    expect(stored).toMatchObject({ status: 'ended', storeFeatures: false });

    // Nothing of the call on the supervisor's page after it was told: a new page has no trace.
    const after = supervisor.frames.slice(supervisor.frames.indexOf(gone) + 1);
    expect(after.some(isCall)).toBe(false);
    const fresh = await connect(alerts, await login(alerts, 'supervisor'));
    const snapshot = fresh.frames.find((f) => f.type === 'snapshot')!;
    expect((snapshot.calls as { callId: string }[]).map((c) => c.callId)).not.toContain(callId);

    // The store (PostgreSQL): no window, emotion or dynamics row, no stored timeline.
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    onTestFinished(() => db.end());
    const counts = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM speaker_windows WHERE call_id = $1)::int AS n
       UNION ALL SELECT (SELECT count(*) FROM emotion_events WHERE call_id = $1)::int
       UNION ALL SELECT (SELECT count(*) FROM dynamics_windows WHERE call_id = $1)::int
       UNION ALL SELECT (SELECT count(*) FROM call_timelines WHERE call_id = $1)::int`,
      [callId],
    );
    expect(counts.rows.map((r) => r.n)).toEqual([0, 0, 0, 0]);
  }, 240_000);
});
