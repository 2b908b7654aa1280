// `npm run demo [-- --exit --speed 1 --calls N --synthetic | --emodb]`: the product's main job on
// one machine. Starts a Kafka broker (devkit/kafka/find-broker.ts), the ingest gateway, the
// dsp-worker, the emotion classifier, the alert service and the call store as child processes,
// streams stereo calls through gRPC with the call simulator (by default the shipped nEMO calls,
// real speech: scripts/lib/demo/sources.ts), prints where to look (pages, metrics), each call's
// customer state as it changes and the alerts, and stops everything cleanly on Ctrl-C (or when
// the calls are done, with --exit), services before the broker. I/O: processes, Kafka, gRPC, temp files.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBroker, type FoundBroker } from '../devkit/kafka/find-broker.ts';
import { freePort } from '../devkit/free-port.ts';
import { createEventDedupe } from '../services/emotion-classifier/event-dedupe.ts';
import { createKafka } from '../services/shared/kafka-client.ts';
import { runConsumerKeptRunning, type KeptRunning } from '../services/shared/consumer-keep-running.ts';
import { createLogger } from '../services/shared/logger.ts';
import { decodeAlertsTopic, emotionEventCodec } from '../services/shared/records.ts';
import { TOPICS } from '../services/shared/topics.ts';
import { createCallConsole } from './lib/demo/call-console.ts';
import { demoSource } from './lib/demo/sources.ts';
import { DEMO_USAGE, parseDemoArgs, type DemoArgs } from './lib/demo/demo-args.ts';
import { UsageError } from './lib/emotion-data/args.ts';
import { errorCode } from '../pipelines/errors.ts';
import {
  startPipeline,
  startSimulator,
  type RunningPipeline,
  type SimulatorRun,
} from '../devkit/pipeline/pipeline-procs.ts';
import { watchServices } from './lib/demo/service-watch.ts';
import { killChildrenSync } from './lib/demo/kill-children.ts';

let args: DemoArgs;
try {
  args = parseDemoArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`demo: ${error.code}: ${error.message}\n${DEMO_USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${DEMO_USAGE}\n`);
  process.exit(0);
}
const { kind, speed, calls: callsAsked } = args;
const say = (line: string): void => console.log(line);

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

const workDir = mkdtempSync(join(tmpdir(), 'va-demo-'));
// However the demo ends (process.exit included), its temp folder goes; the child processes are
// reaped the same way by their launchers (harness.ts, local-broker.ts, pipeline-procs.ts).
// The children go first: a call store still starting wrote its PGlite folder back into workDir
// after it was removed (Ctrl-C at 6 s left va-demo-*).
process.once('exit', () => {
  killChildrenSync();
  rmSync(workDir, { recursive: true, force: true });
});
let broker: FoundBroker | null = null;
let pipeline: RunningPipeline | undefined;
let simulator: SimulatorRun | undefined;
let consumer: ReturnType<ReturnType<typeof createKafka>['consumer']> | undefined;
let started = false;
let stopping: Promise<void> | undefined;
/** Aborted when the demo stops: its console reader is not started again after that. */
const consoleStopping = new AbortController();
let consoleReader: KeptRunning | undefined;

/** In the order that keeps every log quiet: calls, console reader, services, then the broker. */
const stopAll = (reason: string): Promise<void> =>
  (stopping ??= (async () => {
    say(`\nstopping (${reason}) …`);
    await simulator?.stop();
    consoleStopping.abort();
    await consoleReader?.settled();
    await consumer?.disconnect().catch(() => undefined);
    await pipeline?.stop();
    await broker?.stop();
    rmSync(workDir, { recursive: true, force: true });
    say('stopped: services, broker and temp files are gone.');
  })());

const onSignal = (name: string): void => {
  // A second Ctrl-C, or one during start-up (a broker or service still starting is not ours to
  // stop gracefully yet): exit now; the exit hooks SIGKILL every child and remove the temp folders.
  if (stopping || !started) {
    say(`\n${name} during start-up: stopping the processes started so far.`);
    process.exit(130);
  }
  void stopAll(name).then(() => process.exit(0));
};
process.on('SIGINT', () => onSignal('Ctrl-C'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
// Output piped into a command that quit (e.g. `| head`): stop cleanly rather than die mid-way.
process.stdout.on('error', () => void stopAll('stdout closed').then(() => process.exit(0)));

ensurePagesBuilt();
// The calls first: a source that is not there (--emodb without the corpus) is one line before any
// broker or service starts (it was a stack trace once all of them had started).
let source: ReturnType<typeof demoSource>;
try {
  source = demoSource(kind, callsAsked, workDir);
} catch (error) {
  say(`demo: ${errorCode(error, 'DATA_MISSING')}: ${(error as Error).message}`);
  process.exit(2);
}
try {
  broker = await findBroker();
} catch (error) {
  // A Ctrl-C in the terminal also reaches the broker's start-up (one process group), which then
  // fails: the signal's handler speaks first (it exits 130); without a signal, one line, no stack.
  await new Promise((resolve) => setTimeout(resolve, 100));
  say(`no Kafka broker: ${(error as Error).message}`);
  process.exit(1);
}
say(`Kafka ${broker.version} (${broker.source}) at ${broker.brokers.join(',')}`);
const kafka = createKafka({ clientId: 'va-demo', brokers: broker.brokers });

try {
  // The pages' tokens: one secret shared by the alert service's login and the call store's API.
  const jwtSecret = randomBytes(32).toString('base64url');
  const alertPort = await freePort();
  const storePort = await freePort();
  pipeline = await startPipeline({
    brokers: broker.brokers,
    replication: broker.replication,
    suffix: '',
    dspWorkers: 1,
    extras: [
      {
        name: 'alert-service',
        service: 'alert-service',
        env: { ALERT_PORT: String(alertPort), ALERT_HOST: '127.0.0.1', JWT_SECRET: jwtSecret },
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
  watchServices(pipeline.services, () => stopping !== undefined, say);

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
  const calls = createCallConsole({ truth: source.truth, say });
  let eventsHeard = 0;
  consumer = kafka.consumer({ groupId: `va-demo-console-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [pipeline.topics.emotions, TOPICS.alerts], fromBeginning: true });
  const consoleLogger = createLogger({ service: 'demo-console', level: 'error' });
  consoleReader = await runConsumerKeptRunning(
    consumer,
    {
      eachMessage: async ({ topic, message }) => {
        if (topic === TOPICS.alerts) {
          eventsHeard += 1;
          const decoded = decodeAlertsTopic(message.value, message.headers as never);
          if (decoded.schema === 'alert' && dedupe.firstSeen(decoded.value.eventId))
            calls.alert(decoded.value);
          return;
        }
        const event = emotionEventCodec.decode(message.value, message.headers as never);
        eventsHeard += 1;
        if (dedupe.firstSeen(event.eventId)) calls.emotion(event);
      },
    },
    { logger: consoleLogger, signal: consoleStopping.signal },
  );
  started = true;

  say(`\nStreaming ${source.calls} stereo call(s) at ${speed}× real time: ${source.label}`);
  say(
    "The customer's state each time it changes (audio time, call, state, confidence, evidence) and alerts (>>>):",
  );
  simulator = startSimulator({
    gateway: pipeline.gatewayAddress,
    token: pipeline.token,
    calls: source.calls,
    wavPath: source.audioPath,
    speed,
    // Names the calls <prefix>-<n>: n tells the console which shipped call it is.
    extraArgs: ['--call-id-prefix', `demo-${randomBytes(3).toString('hex')}`, '--stagger-ms', '500'],
    log: (msg) => process.stderr.write(`  ${msg}\n`),
  });
  const code = await simulator.done;
  // The last windows are still on their way through Kafka (two hops) when the simulator exits,
  // more of them the faster the calls ran (5 calls at 20×: a fixed 3 s cut the summary short):
  // wait until no event has come for 3 s, 60 s at most.
  let heard = eventsHeard;
  for (let quiet = 0, waited = 0; quiet < 3000 && waited < 60_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    quiet = eventsHeard === heard ? quiet + 250 : 0;
    heard = eventsHeard;
  }
  say(
    `\nCalls done (simulator exit ${code}). Per call, what a listener hears against what the product showed:`,
  );
  const summary = calls.summary();
  for (const line of summary) say(`  ${line}`);
  if (args.exit) {
    await stopAll('calls done');
    process.exit(code === 0 && summary.length > 0 ? 0 : 1);
  }
  say('\nServices keep running: look at the metrics above. Ctrl-C stops everything.');
} catch (error) {
  // One line (a service that would not start has said why above, in its own CONFIG_INVALID line).
  console.error(`demo failed: ${errorCode(error, 'DEMO_FAILED')}: ${(error as Error).message}`);
  await stopAll('error');
  process.exit(1);
}
