// `npm run simulate -- --calls N [--audio <wav or folder>] [--speed 1] [--target host:port]
// [--token T]`: streams simulated stereo calls to an ingest gateway and prints one JSON summary.
// `--write-wav <file> [--seconds S] [--seed N]` writes a synthetic stereo call instead.
// I/O: gRPC, files; progress on stderr.
import { writeFileSync } from 'node:fs';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { encodeWav } from '../../pipelines/audio/wav.ts';
import { errorCode } from '../../pipelines/errors.ts';
import type { WireCodec } from '../shared/records.ts';
import { runSimulation } from './simulate.ts';
import { synthesizeCall } from '../../devkit/audio/synthetic-voices.ts';

const USAGE = `usage: npm run simulate -- --calls N [--audio <wav or folder>] [--speed 1 (0 = max)]
  [--target host:port (INGEST_TARGET, 127.0.0.1:50051)] [--token T (INGEST_TOKEN)]
  [--codec pcmu|pcma|linear16] [--rate 8000|16000] [--seconds 30] [--stagger-ms 20] [--seed 1]
  [--frames interleaved|per-channel] [--call-id-prefix P] [--no-consent] [--tls] [--ca file]
  [--agent ID] [--team T] [--queue Q] [--customer-ref R (raw: the gateway pseudonymises it)]
or:    npm run simulate -- --write-wav out.wav [--seconds 30] [--seed 1]`;

function fail(message: string): never {
  return usageExit('simulate', USAGE, message);
}

const { values } = parseCli('simulate', USAGE, {
  options: {
    calls: { type: 'string', default: '1' },
    audio: { type: 'string' },
    speed: { type: 'string', default: '1' },
    target: { type: 'string', default: process.env.INGEST_TARGET ?? '127.0.0.1:50051' },
    token: { type: 'string', default: process.env.INGEST_TOKEN },
    codec: { type: 'string', default: 'pcmu' },
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '30' },
    'stagger-ms': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    frames: { type: 'string', default: 'interleaved' },
    'call-id-prefix': { type: 'string' },
    agent: { type: 'string' },
    team: { type: 'string' },
    queue: { type: 'string' },
    'customer-ref': { type: 'string' },
    'no-consent': { type: 'boolean', default: false },
    tls: { type: 'boolean', default: false },
    ca: { type: 'string' },
    'write-wav': { type: 'string' },
  },
});

const number = (name: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    fail(`--${name} must be a number in ${min}..${max}`);
  return value;
};
const seconds = number('seconds', values.seconds, 1, 3600);
const seed = Math.trunc(number('seed', values.seed, 0, 2 ** 31));

/** A file that cannot be read or written (a missing path, not a WAV, no .wav in a folder): one line, exit 2. */
function inputFailed(error: unknown): never {
  const code = errorCode(error, 'BAD_AUDIO');
  const message = (error as Error).message;
  process.stderr.write(`simulate: ${message.startsWith(code) ? message : `${code}: ${message}`}\n`);
  process.exit(2);
}

if (values['write-wav']) {
  const call = synthesizeCall({ seconds, seed, sampleRateHz: 16000 });
  try {
    writeFileSync(
      values['write-wav'],
      encodeWav({ sampleRateHz: call.sampleRateHz, channels: [call.agent, call.customer] }),
    );
  } catch (error) {
    inputFailed(error);
  }
  process.stdout.write(
    `${JSON.stringify({ wrote: values['write-wav'], seconds, seed, turns: call.turns })}\n`,
  );
  process.exit(0);
}

const codec = values.codec as WireCodec;
if (!['pcmu', 'pcma', 'linear16'].includes(codec)) fail('--codec must be pcmu, pcma or linear16');
const rate = number('rate', values.rate, 8000, 16000);
if (rate !== 8000 && rate !== 16000) fail('--rate must be 8000 or 16000');
if (values.frames !== 'interleaved' && values.frames !== 'per-channel')
  fail('--frames must be interleaved (one stereo frame per 20 ms) or per-channel');
if (values['call-id-prefix'] !== undefined && !/^[A-Za-z0-9._-]{1,100}$/.test(values['call-id-prefix']))
  fail('--call-id-prefix must be 1-100 of A-Z a-z 0-9 . _ -');
if (!values.token) fail('--token (or INGEST_TOKEN) is required');

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
const summary = await runSimulation({
  calls: Math.trunc(number('calls', values.calls, 1, 100_000)),
  audioPath: values.audio,
  seconds,
  speed: number('speed', values.speed, 0, 1000),
  target: values.target,
  token: values.token,
  codec,
  sampleRateHz: rate,
  staggerMs: number('stagger-ms', values['stagger-ms'], 0, 60_000),
  interleaved: values.frames === 'interleaved',
  callIdPrefix: values['call-id-prefix'],
  agentId: values.agent,
  team: values.team,
  queue: values.queue,
  customerRef: values['customer-ref'],
  seed,
  analytics: !values['no-consent'],
  tls: values.tls,
  caFile: values.ca,
  signal: controller.signal,
  log: (line) => process.stderr.write(`[simulate] ${line}\n`),
}).catch(inputFailed);
const { call_ids: callIds, ...rest } = summary;
process.stdout.write(
  `${JSON.stringify({ ...rest, call_ids: callIds.length > 20 ? `${callIds.length} ids` : callIds })}\n`,
);
process.exit(summary.failed === 0 ? 0 : 1);
