// A real ingest-gateway process (services/ingest-gateway/main.ts) for the stop and drain tests:
// gRPC, the Twilio, L16 and AudioHook adapters on free loopback ports, the real broker; with its
// metrics, readiness and exit code read from outside, as an orchestrator sees them.
// I/O: a child process, HTTP.
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import {
  metricValue,
  startServiceProcess,
  waitUntilReady,
  type ServiceProcess,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { audioHookAdapterEnv, newAudioHookOrg, type AudioHookOrgAuth } from './audiohook-client.ts';
import { JAMBONZ_SOURCE } from './l16ws-fixture.ts';
import { testKafka, uniqueName } from '../../support/kafka.ts';
import { deleteTopics } from './helpers.ts';
import {
  FRAME_BYTES,
  twilioAdapterEnv,
  twilioMessages,
  twilioSid,
  type TwilioCall,
} from './twilio-client.ts';

export const TENANT_TOKEN = 'acme-token-0123456789';
export const TWILIO_ACCOUNT = twilioSid('AC');
export const TWILIO_AUTH_TOKEN = 'f3c1a2b4d5e6f708192a3b4c5d6e7f80';
export const TWILIO_PUBLIC_URL = 'wss://ingest.example.com';
const TWILIO_PATH = '/twilio/stream';
/** The AudioHook organisation of tenant acme (consenting). */
export const AUDIOHOOK_ORG: AudioHookOrgAuth = newAudioHookOrg();

export interface GatewayProcess {
  service: ServiceProcess;
  opsPort: number;
  twilioUrl: string;
  l16Port: number;
  audiohookUrl: string;
  grpcTarget: string;
}

/** A gateway process with every intake on free loopback ports, ready; killed when the test ends. */
export async function startGatewayProcess(
  topics: { audio: string; calls: string },
  drainMaxMs: number,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const service = startServiceProcess('ingest-gateway', {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    AUDIO_TOPIC: topics.audio,
    CALLS_TOPIC: topics.calls,
    TOPIC_PARTITIONS: '1',
    TENANT_TOKENS: `acme=${TENANT_TOKEN}`,
    MAX_STREAM_SPEED: '0',
    BATCH_MAX_DELAY_MS: '40',
    ...twilioAdapterEnv(TWILIO_PUBLIC_URL, [
      { sid: TWILIO_ACCOUNT, tenant: 'acme', authToken: TWILIO_AUTH_TOKEN },
    ]),
    L16WS_HOST: '127.0.0.1',
    L16WS_PORT: '0',
    L16WS_SOURCES: JSON.stringify(JAMBONZ_SOURCE),
    ...audioHookAdapterEnv('acme', [AUDIOHOOK_ORG]),
    DRAIN_MAX_MS: String(drainMaxMs),
    ...env,
  });
  onTestFinished(() => service.stop('SIGKILL'));
  const opsPort = await waitUntilReady(service, 60_000);
  // Ready (gRPC serving) can come a moment before the adapters listen and the line says so.
  const line = /"msg":"ingest gateway listening".*\n/;
  await waitFor('the gateway to say where it listens', () => line.test(service.output()), 10_000);
  const listening = line.exec(service.output())?.[0] ?? '';
  const port = (name: string): number => Number(new RegExp(`"${name}":(\\d+)`).exec(listening)?.[1]);
  return {
    service,
    opsPort,
    twilioUrl: `ws://127.0.0.1:${port('twilioPort')}${TWILIO_PATH}`,
    l16Port: port('l16wsPort'),
    audiohookUrl: `ws://127.0.0.1:${port('audiohookPort')}/api/v1/audiohook/ws`,
    grpcTarget: `127.0.0.1:${port('grpcPort')}`,
  };
}

export const metric = async (
  gateway: GatewayProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> =>
  metricValue(await (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text(), name, labels);

export const readyz = async (gateway: GatewayProcess): Promise<{ status: number; body: string }> => {
  const response = await fetch(`http://127.0.0.1:${gateway.opsPort}/readyz`);
  return { status: response.status, body: await response.text() };
};

/** Resolves with the exit code once the process is gone (null: still running after `withinMs`). */
export const exitCode = (service: ServiceProcess, withinMs: number): Promise<number | null> =>
  new Promise((resolve) => {
    if (service.child.exitCode !== null) return resolve(service.child.exitCode);
    const timer = setTimeout(() => resolve(null), withinMs);
    service.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

/** The test file's own topics, deleted after its tests; `kafka()` once they run. */
export function fileTopics(): { topics: { audio: string; calls: string }; kafka: () => Kafka } {
  const topics = { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') };
  let kafka: Kafka | undefined;
  beforeAll(() => {
    kafka = testKafka();
  });
  afterAll(() => (kafka ? deleteTopics(kafka, [topics.audio, topics.calls]) : undefined));
  return {
    topics,
    kafka: () => {
      if (!kafka) throw new Error('kafka() before the tests run');
      return kafka;
    },
  };
}

/** A Twilio call of `slots` 20 ms slots on both tracks: its messages, `stop` last. */
export function twilioCall(slots: number): { call: TwilioCall; messages: object[] } {
  const call: TwilioCall = {
    accountSid: TWILIO_ACCOUNT,
    callSid: twilioSid('CA'),
    streamSid: twilioSid('MZ'),
    customParameters: { agentId: 'agent-7', consentAnalytics: 'true', consentStoreFeatures: 'true' },
    customer: new Uint8Array(FRAME_BYTES * slots).fill(0x44),
    agent: new Uint8Array(FRAME_BYTES * slots).fill(0x45),
  };
  return { call, messages: twilioMessages(call) };
}
