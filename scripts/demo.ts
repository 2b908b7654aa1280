// `npm run demo [-- --calls 3 --speed 1 --exit]`: the product's main job on one machine. Starts a
// Kafka broker (deploy/kafka/find-broker.ts), the ingest gateway, the dsp-worker, the emotion
// classifier, the alert service and the call store as child processes, streams a few stereo calls
// through gRPC with the call simulator, prints where to look (pages, metrics) and the live emotion
// events on the console, and stops everything cleanly on Ctrl-C (or when the calls are done,
// with --exit). I/O: processes, Kafka, gRPC, temp files.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findBroker } from '../deploy/kafka/find-broker.ts';
import { freePort } from '../deploy/kafka/local-broker.ts';
import { encodeWav } from '../pipelines/audio/wav.ts';
import { createEventDedupe } from '../services/emotion-classifier/event-dedupe.ts';
import { createKafka } from '../services/shared/kafka-client.ts';
import { decodeAlertsTopic, emotionEventCodec, type EmotionEventRecord } from '../services/shared/records.ts';
import { TOPICS } from '../services/shared/topics.ts';
import { emodbAvailable, emodbCall, syntheticCall, type StereoCall } from './lib/pipeline/call-audio.ts';
import {
  startPipeline,
  startSimulator,
  type RunningPipeline,
  type SimulatorRun,
} from './lib/pipeline/pipeline-procs.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '3' },
    speed: { type: 'string', default: '1' },
    exit: { type: 'boolean', default: false },
  },
});
const calls = Math.max(1, Math.min(50, Number(values.calls) || 3));
const speed = Math.max(0.1, Number(values.speed) || 1);
const say = (line: string): void => console.log(line);

function demoAudio(): { call: StereoCall; source: string } {
  if (emodbAvailable()) {
    return {
      call: emodbCall({ neutralCount: 8, angryCount: 8 }),
      source: 'EmoDB (customer neutral, then angry)',
    };
  }
  return { call: syntheticCall(30, 5), source: 'synthetic voices (EmoDB not found beside the repo)' };
}

function describeEvent(event: EmotionEventRecord): string {
  const at = (event.endMs / 1000).toFixed(0).padStart(4);
  const who = event.channel.padEnd(8);
  const state = event.changed ? `${event.state.toUpperCase()} (changed)` : event.state;
  const confidence = `${Math.round(event.confidence * 100)}%`;
  const evidence = event.evidence.slice(0, 2).join('; ');
  return `${at} s  ${event.callId.slice(0, 18).padEnd(18)} ${who} ${state.padEnd(22)} ${confidence.padStart(4)}  ${evidence}`;
}

/** The pages are built once (Vite, no CDN); a fresh clone gets them on its first demo. */
function ensurePagesBuilt(): void {
  const pages = [
    { dist: 'dist/alert-web', config: 'services/alert-service/web/vite.config.ts' },
    { dist: 'dist/store-web', config: 'services/call-store/web/vite.config.ts' },
  ];
  for (const page of pages) {
    if (existsSync(page.dist)) continue;
    say(`building ${page.dist} (first run) …`);
    const result = spawnSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--config', page.config],
      { stdio: 'inherit' },
    );
    if (result.status !== 0) say(`  could not build ${page.dist}: the pages will be missing`);
  }
}

ensurePagesBuilt();
const workDir = mkdtempSync(join(tmpdir(), 'va-demo-'));
const broker = await findBroker();
say(`Kafka ${broker.version} (${broker.source}) at ${broker.brokers.join(',')}`);
let pipeline: RunningPipeline | undefined;
let simulator: SimulatorRun | undefined;
let stopping: Promise<void> | undefined;
const kafka = createKafka({ clientId: 'va-demo', brokers: broker.brokers });
const consumer = kafka.consumer({ groupId: `va-demo-console-${Date.now()}`, maxWaitTimeInMs: 100 });

const stopAll = (reason: string): Promise<void> =>
  (stopping ??= (async () => {
    say(`\nstopping (${reason}) …`);
    simulator?.stop();
    await consumer.disconnect().catch(() => undefined);
    await pipeline?.stop();
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
    say('stopped: services, broker and temp files are gone.');
  })());

process.on('SIGINT', () => {
  if (stopping) process.exit(1);
  void stopAll('Ctrl-C').then(() => process.exit(0));
});
process.on('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));
// Output piped into a command that quit (e.g. `| head`): stop cleanly rather than die mid-way.
process.stdout.on('error', () => void stopAll('stdout closed').then(() => process.exit(0)));

try {
  // The pages' tokens: one secret shared by the alert service's login and the call store's API.
  const jwtSecret = randomBytes(32).toString('base64url');
  const alertPort = await freePort();
  const storePort = await freePort();
  pipeline = await startPipeline({
    brokers: broker.brokers,
    suffix: '',
    dspWorkers: 1,
    extras: [
      {
        name: 'alert-service',
        service: 'alert-service',
        env: { ALERT_PORT: String(alertPort), ALERT_HOST: '127.0.0.1', ALERT_JWT_SECRET: jwtSecret },
      },
      {
        name: 'call-store',
        service: 'call-store',
        env: {
          API_PORT: String(storePort),
          JWT_SECRET: jwtSecret,
          STORE_DATA_DIR: join(workDir, 'call-store'),
          SERVE_WEB: existsSync('dist/store-web') ? 'true' : 'false',
        },
      },
    ],
    log: (msg) => say(`  ${msg}`),
  });
  const { call, source } = demoAudio();
  const wavPath = join(workDir, 'demo-call.wav');
  writeFileSync(
    wavPath,
    encodeWav({ sampleRateHz: call.sampleRateHz, channels: [call.agent, call.customer] }),
  );

  say('\nWhere to look:');
  for (const [name, port] of Object.entries(pipeline.ports)) {
    say(`  ${name.padEnd(20)} http://127.0.0.1:${port}/metrics   (/healthz, /readyz)`);
  }
  say(
    `  gRPC ingest           ${pipeline.gatewayAddress}  (tenant "${pipeline.tenant}", bearer token set for the simulator)`,
  );
  say(`  end-to-end latency    va_e2e_latency_seconds on the emotion-classifier's /metrics`);
  const built = (dir: string): string =>
    existsSync(dir) ? '' : '  (pages not built: run `npm run build` first)';
  say(
    `  live wallboard        http://127.0.0.1:${alertPort}/  (agent view: log in as an agent)${built('dist/alert-web')}`,
  );
  say(
    '  demo logins           supervisor, lead-billing (supervisors), agent-1 … agent-4 (agents), qa (QA reviewer), admin;',
  );
  say('                        password demo1234 for all (dev only: config/demo-users.json)');
  say(`  QA API / review page  http://127.0.0.1:${storePort}/${built('dist/store-web')}`);
  say(`  Kafka topics          ${[...Object.values(pipeline.topics), TOPICS.alerts].join(', ')}`);

  const dedupe = createEventDedupe();
  const counts = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topics: [pipeline.topics.emotions, TOPICS.alerts], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === TOPICS.alerts) {
        const decoded = decodeAlertsTopic(message.value, message.headers as never);
        if (decoded.schema !== 'alert' || !dedupe.firstSeen(decoded.value.eventId)) return;
        const alert = decoded.value;
        say(`  >>> ALERT ${alert.state} ${alert.severity}: ${alert.callId} ${alert.message}`);
        return;
      }
      const event = emotionEventCodec.decode(message.value, message.headers as never);
      if (!dedupe.firstSeen(event.eventId)) return;
      const key = `${event.channel} ${event.state}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      say(describeEvent(event));
    },
  });

  say(
    `\nStreaming ${calls} stereo call(s) of ${(call.agent.length / call.sampleRateHz).toFixed(0)} s at ${speed}× real time: ${source}`,
  );
  say('Emotion events (audio time, call, speaker, state, confidence, evidence) and alerts (>>>):');
  simulator = startSimulator({
    gateway: pipeline.gatewayAddress,
    token: pipeline.token,
    calls,
    wavPath,
    speed,
    log: (msg) => process.stderr.write(`  ${msg}\n`),
  });
  const code = await simulator.done;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  say(`\nCalls done (simulator exit ${code}). Events by speaker and state:`);
  for (const [key, count] of [...counts].sort()) say(`  ${key.padEnd(24)} ${count}`);
  if (values.exit) {
    await stopAll('calls done');
    process.exit(code === 0 && counts.size > 0 ? 0 : 1);
  }
  say('\nServices keep running: look at the metrics above. Ctrl-C stops everything.');
} catch (error) {
  console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
  await stopAll('error');
  process.exit(1);
}
